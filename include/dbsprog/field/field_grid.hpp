#pragma once
/// The field of a program on a region-of-interest grid: unit solutions of every contact sampled once
/// at every voxel, then per program a superposition. Gives |E| and the potential as volumes (for
/// display and NIfTI export) and the volume of tissue activated (VTA: |E| >= a threshold).
#include <Eigen/Core>
#include <array>
#include <vector>

#include "dbsprog/field/volume_conductor.hpp"
#include "dbsprog/io/nifti.hpp"

namespace dbsprog::field {

/// A regular grid in the lead frame: voxel (i, j, k) centred at originMm + spacingMm * (i, j, k).
struct RegionGrid {
    Eigen::Vector3d originMm = Eigen::Vector3d::Zero();
    double spacingMm = 0.5;
    std::array<int, 3> dims{0, 0, 0};

    /// A cube of side `sideMm` centred on `centreMm`, with an odd number of voxels per side so the
    /// centre is a voxel and every other voxel forms the half-resolution grid.
    static RegionGrid cube(const Eigen::Vector3d& centreMm, double sideMm, double spacingMm);

    size_t voxelCount() const { return static_cast<size_t>(dims[0]) * dims[1] * dims[2]; }
    size_t index(int i, int j, int k) const {
        return static_cast<size_t>(i) + static_cast<size_t>(dims[0]) * (static_cast<size_t>(j) + static_cast<size_t>(dims[1]) * static_cast<size_t>(k));
    }
    Eigen::Vector3d pointMm(int i, int j, int k) const { return originMm + spacingMm * Eigen::Vector3d(i, j, k); }
    double voxelVolumeMm3() const { return spacingMm * spacingMm * spacingMm; }
    /// An empty io::Volume with this grid's geometry.
    io::Volume emptyVolume() const;
};

class FieldGrid {
public:
    /// Samples the conductor's unit solutions at every voxel (the expensive step, once per case).
    /// Voxels inside the lead body hold zero field and are never counted in the VTA.
    FieldGrid(const VolumeConductor& conductor, RegionGrid grid, int threads = 1);

    const RegionGrid& grid() const { return grid_; }
    int contactCount() const { return contacts_; }

    /// |E| (V/mm) at every voxel for the given contact currents (mA, cathodic negative).
    std::vector<float> fieldMagnitude(const Eigen::VectorXd& contactCurrentsMa) const;
    /// Potential (V) at every voxel.
    std::vector<float> potential(const Eigen::VectorXd& contactCurrentsMa) const;

    /// Volume (mm^3) of the voxels where |E| >= thresholdVPerMm. Evaluates the half-resolution grid
    /// first and then only the voxels whose half-resolution neighbours disagree (the boundary) or that
    /// lie next to the lead, so it costs a fraction of a full evaluation. In tissue of one conductivity
    /// |E|^2 is subharmonic and has no maximum away from the lead, so every activated region touches
    /// the lead and the shortcut agrees with the full count (checked in the tests).
    double activatedVolumeMm3(const Eigen::VectorXd& contactCurrentsMa, double thresholdVPerMm) const;
    /// The same count, voxel by voxel over the whole grid (the reference for the fast path).
    double activatedVolumeFullMm3(const Eigen::VectorXd& contactCurrentsMa, double thresholdVPerMm) const;

    /// The activated voxels as a 0/1 mask.
    std::vector<unsigned char> activatedMask(const Eigen::VectorXd& contactCurrentsMa, double thresholdVPerMm) const;

    /// Fraction (0..1) of the voxels of `targetMask` (same grid) inside the VTA.
    double fractionInside(const std::vector<unsigned char>& targetMask, const Eigen::VectorXd& contactCurrentsMa,
                          double thresholdVPerMm) const;

private:
    float fieldSquared(size_t voxel, const Eigen::VectorXf& currents) const;

    RegionGrid grid_;
    int contacts_ = 0;
    int threads_ = 1;
    /// Per voxel, per contact: gradient x, y, z (V/mm per mA), contiguous per voxel.
    std::vector<float> gradient_;
    /// Per voxel, per contact: potential (V per mA).
    std::vector<float> potential_;
    /// Per voxel: within two voxels of the lead body (always evaluated at full resolution).
    std::vector<unsigned char> nearLead_;
    /// Per row (j, k): any voxel of it near the lead.
    std::vector<unsigned char> rowNearLead_;
};

}  // namespace dbsprog::field
