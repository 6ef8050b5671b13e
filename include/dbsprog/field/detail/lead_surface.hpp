#pragma once
/// The lead surface as boundary-element panels (internal to field/, public for the tests).
///
/// The lead is a body of revolution: a hemispherical tip of the lead's radius (OSS-DBS geometry, as
/// in the reference solution), a cylinder, and a flat cap `shaftLengthMm` above the most proximal
/// contact (the real lead runs on to the generator; the cap closes the surface far from the contacts).
/// Its meridian (the profile in the (rho, z) half-plane, from the apex up and over the cap to the
/// axis) is cut into rows; each row is one axisymmetric ring panel, or `sectorCount` equal angular
/// sectors on segmented leads. Panel p = sector * rowCount + row.
#include <vector>

#include "dbsprog/device/lead.hpp"
#include "dbsprog/field/homogeneous_conductor.hpp"

namespace dbsprog::field::detail {

/// One row's meridian curve: an arc of the tip hemisphere or a straight line.
struct MeridianSegment {
    bool arc = false;
    double radiusMm = 0.0;                ///< arc: hemisphere radius (its centre is on the axis at z = radius)
    double alpha0 = 0.0, alpha1 = 0.0;    ///< arc: polar angles from the apex, radians
    double rho0 = 0.0, z0 = 0.0, rho1 = 0.0, z1 = 0.0;  ///< line: end points, mm

    struct Point {
        double rho, z;     ///< mm
        double nRho, nZ;   ///< outward unit normal (into tissue)
        double dsdt;       ///< arc length per unit parameter, mm
    };
    /// The point at parameter t in [0, 1].
    Point at(double t) const;
    double lengthMm() const;
    /// Distance in the meridian half-plane from (rho, z) to the part of the curve with t in [t0, t1].
    double distanceMm(double rho, double z, double t0, double t1) const;
};

struct PanelRow {
    MeridianSegment segment;
    MeridianSegment::Point collocation;  ///< at t = 1/2
    double lengthMm = 0.0;
};

struct SurfaceMesh {
    std::vector<PanelRow> rows;
    int sectorCount = 1;          ///< 1: axisymmetric ring panels
    double sectorStartRad = 0.0;  ///< sector s spans [start + s w, start + (s+1) w], w = 2 pi / sectorCount
    bool edgesSnapped = false;    ///< segment edges did not fall on sector boundaries and were moved
    std::vector<int> contactOfPanel;   ///< lead contact index, or -1 for insulation
    std::vector<double> panelAreaMm2;
    double radiusMm = 0.0;
    double capZMm = 0.0;          ///< z of the flat cap

    int rowCount() const { return static_cast<int>(rows.size()); }
    int panelCount() const { return rowCount() * sectorCount; }
    double sectorWidthRad() const;
    /// Centre angle of sector s, radians.
    double sectorCentreRad(int s) const;
};

/// Meshes the lead. Throws InputError for contacts the mesh cannot represent.
SurfaceMesh buildSurfaceMesh(const device::Lead& lead, const BemDiscretisation& d);

/// Break points in [0, lengthMm] for panels graded geometrically from `edgeMm` at a graded end (ratio
/// `growth` between neighbours) up to `maxMm`: panel length follows h(s) = min(maxMm, edgeMm + ln(growth)
/// * distance to a graded end), and the n = ceil(int ds / h) panels have equal shares of int ds / h.
std::vector<double> gradedBreaks(double lengthMm, bool gradeStart, bool gradeEnd, double edgeMm, double growth,
                                 double maxMm);

}  // namespace dbsprog::field::detail
