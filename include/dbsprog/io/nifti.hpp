#pragma once
/// NIfTI-1 single-file volumes (.nii), as 3D Slicer, Lead-DBS and FSL read them.
#include <Eigen/Core>
#include <array>
#include <string>
#include <vector>

namespace dbsprog::io {

/// A 3D scalar volume on a regular grid, x index fastest. Voxel (i, j, k) has its centre at
/// originMm + (i * spacing, j * spacing, k * spacing) in the frame the volume is written in (the
/// lead frame here, millimetres), which is what the file's affine (sform and qform) states.
struct Volume {
    std::array<int, 3> dims{0, 0, 0};
    std::array<double, 3> spacingMm{1.0, 1.0, 1.0};
    Eigen::Vector3d originMm = Eigen::Vector3d::Zero();  ///< centre of voxel (0, 0, 0)
    std::vector<float> values;                           ///< dims[0] * dims[1] * dims[2]
    std::string description;                             ///< up to 79 characters kept in the header

    size_t index(int i, int j, int k) const {
        return static_cast<size_t>(i) + static_cast<size_t>(dims[0]) * (static_cast<size_t>(j) + static_cast<size_t>(dims[1]) * static_cast<size_t>(k));
    }
    Eigen::Vector3d voxelCentreMm(int i, int j, int k) const {
        return originMm + Eigen::Vector3d(i * spacingMm[0], j * spacingMm[1], k * spacingMm[2]);
    }
};

/// Writes a NIfTI-1 .nii (float32, units mm, sform and qform both the voxel-to-mm affine) atomically.
void writeNifti(const std::string& path, const Volume& volume);

/// Reads a float32 NIfTI-1 .nii written by writeNifti (or any float32, axis-aligned one); throws
/// InputError naming the file and the header field that is not supported.
Volume readNifti(const std::string& path);

}  // namespace dbsprog::io
