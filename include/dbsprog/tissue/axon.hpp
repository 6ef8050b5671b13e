#pragma once
/// Axons as polylines in the lead frame (mm) with a fibre diameter; nodes of Ranvier sampled along
/// them at the diameter's internodal spacing.
#include <Eigen/Core>
#include <vector>

namespace dbsprog::tissue {

struct Axon {
    std::vector<Eigen::Vector3d> pathMm;  ///< polyline, lead frame, mm (at least two points)
    double diameterUm = 5.7;              ///< fibre diameter, micrometres
};

/// Points every `internodeMm` along the polyline's arc length, the first at its start, the last at
/// or before its end (an axon shorter than one internode gets one node).
std::vector<Eigen::Vector3d> sampleNodes(const std::vector<Eigen::Vector3d>& pathMm, double internodeMm);

/// Polyline length, mm.
double pathLengthMm(const std::vector<Eigen::Vector3d>& pathMm);

}  // namespace dbsprog::tissue
