#pragma once
/// Triangle meshes (position + normal) and coloured line sets, on the CPU and on the GPU.
#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "render/gl_objects.hpp"

namespace dbsprog::render {

struct MeshVertex {
    float position[3];  ///< mm, lead frame
    float normal[3];    ///< unit length
};

struct MeshData {
    std::vector<MeshVertex> vertices;
    std::vector<std::uint32_t> indices;  ///< triangles, counter-clockwise seen from outside

    void addVertex(const Eigen::Vector3f& position, const Eigen::Vector3f& normal);
    void addTriangle(std::uint32_t a, std::uint32_t b, std::uint32_t c);
};

struct LineVertex {
    float position[3];  ///< mm
    float color[4];     ///< RGBA, 0..1
};

struct LineData {
    std::vector<LineVertex> vertices;  ///< pairs: each two vertices make one segment

    void addLine(const Eigen::Vector3f& from, const Eigen::Vector3f& to, const Eigen::Vector4f& color);
};

/// A mesh uploaded to the GPU: vertex array + vertex and index buffers. Attribute 0 = position,
/// 1 = normal.
class GpuMesh {
public:
    GpuMesh() = default;
    explicit GpuMesh(const MeshData& data);

    /// Draws `indexCount` indices starting at `firstIndex` (a part of the mesh).
    void drawRange(std::uint32_t firstIndex, std::uint32_t indexCount) const;
    void draw() const { drawRange(0, indexCount_); }
    std::uint32_t indexCount() const { return indexCount_; }

private:
    VertexArray vertexArray_;
    Buffer vertices_;
    Buffer indices_;
    std::uint32_t indexCount_ = 0;
};

/// Line segments on the GPU. Attribute 0 = position, 1 = colour.
class GpuLines {
public:
    GpuLines() = default;
    explicit GpuLines(const LineData& data);
    void draw() const;

private:
    VertexArray vertexArray_;
    Buffer vertices_;
    GLsizei vertexCount_ = 0;
};

}  // namespace dbsprog::render
