#pragma once
/// Isosurfaces of a scalar sampled on a regular grid (marching tetrahedra), for drawing the VTA as a
/// surface (|E| = threshold) and for measuring the volume it encloses.
#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "dbsprog/field/field_grid.hpp"

namespace dbsprog::field {

/// Which side of the level is the enclosed region.
enum class IsoInside {
    AtOrAbove,  ///< value >= level (the VTA: |E| >= threshold, as FieldGrid counts voxels)
    Below,      ///< value < level (e.g. a distance field: a ball is |x| < r)
};

/// A triangle mesh in the grid's frame (mm).
struct IsoSurface {
    std::vector<Eigen::Vector3f> positionsMm;
    /// Unit length, from the sampled scalar's gradient, pointing out of the enclosed region.
    std::vector<Eigen::Vector3f> normals;
    /// Triangles, counter-clockwise seen from outside the enclosed region.
    std::vector<std::uint32_t> indices;

    std::size_t triangleCount() const { return indices.size() / 3; }
    bool empty() const { return indices.empty(); }
    /// Volume (mm^3) enclosed by the triangles (divergence theorem). Exact for a closed surface; a surface
    /// cut open by the grid's boundary leaves out the region beyond it and the value is only indicative.
    double enclosedVolumeMm3() const;
};

/// The surface where `values` (one per voxel of `grid`, RegionGrid::index order) crosses `level`,
/// from marching tetrahedra: each grid cell is split into six tetrahedra around its main diagonal, the
/// same split in every cell, so neighbouring cells meet along the same edges and the surface is closed
/// wherever the enclosed region lies inside the grid. Vertices are shared between triangles; a vertex
/// lies on a grid edge, linearly interpolated. The output depends only on the inputs (deterministic).
/// Non-finite values count as outside. An empty surface when `level` is outside the values' range.
/// Throws InputError when `values` does not match the grid.
IsoSurface extractIsosurface(const RegionGrid& grid, const std::vector<float>& values, double level,
                             IsoInside inside = IsoInside::AtOrAbove);

}  // namespace dbsprog::field
