#include "render/mesh.hpp"

#include <cstddef>

namespace dbsprog::render {

void MeshData::addVertex(const Eigen::Vector3f& position, const Eigen::Vector3f& normal) {
    vertices.push_back({{position.x(), position.y(), position.z()}, {normal.x(), normal.y(), normal.z()}});
}

void MeshData::addTriangle(std::uint32_t a, std::uint32_t b, std::uint32_t c) {
    indices.push_back(a);
    indices.push_back(b);
    indices.push_back(c);
}

void LineData::addLine(const Eigen::Vector3f& from, const Eigen::Vector3f& to, const Eigen::Vector4f& color) {
    for (const Eigen::Vector3f& p : {from, to}) {
        vertices.push_back({{p.x(), p.y(), p.z()}, {color[0], color[1], color[2], color[3]}});
    }
}

GpuMesh::GpuMesh(const MeshData& data)
    : vertexArray_(VertexArray::create()),
      vertices_(Buffer::create()),
      indices_(Buffer::create()),
      indexCount_(static_cast<std::uint32_t>(data.indices.size())) {
    glBindVertexArray(vertexArray_.id());
    glBindBuffer(GL_ARRAY_BUFFER, vertices_.id());
    glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(data.vertices.size() * sizeof(MeshVertex)),
                 data.vertices.data(), GL_STATIC_DRAW);
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, indices_.id());
    glBufferData(GL_ELEMENT_ARRAY_BUFFER, static_cast<GLsizeiptr>(data.indices.size() * sizeof(std::uint32_t)),
                 data.indices.data(), GL_STATIC_DRAW);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 3, GL_FLOAT, GL_FALSE, sizeof(MeshVertex),
                          reinterpret_cast<const void*>(offsetof(MeshVertex, position)));
    glEnableVertexAttribArray(1);
    glVertexAttribPointer(1, 3, GL_FLOAT, GL_FALSE, sizeof(MeshVertex),
                          reinterpret_cast<const void*>(offsetof(MeshVertex, normal)));
    glBindVertexArray(0);
    // The element buffer binding is part of the vertex array state, so unbinding it only after
    // the vertex array keeps it attached.
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, 0);
    glBindBuffer(GL_ARRAY_BUFFER, 0);
}

void GpuMesh::drawRange(std::uint32_t firstIndex, std::uint32_t indexCount) const {
    if (indexCount == 0) return;
    glBindVertexArray(vertexArray_.id());
    glDrawElements(GL_TRIANGLES, static_cast<GLsizei>(indexCount), GL_UNSIGNED_INT,
                   reinterpret_cast<const void*>(static_cast<std::size_t>(firstIndex) * sizeof(std::uint32_t)));
    glBindVertexArray(0);
}

GpuLines::GpuLines(const LineData& data)
    : vertexArray_(VertexArray::create()),
      vertices_(Buffer::create()),
      vertexCount_(static_cast<GLsizei>(data.vertices.size())) {
    glBindVertexArray(vertexArray_.id());
    glBindBuffer(GL_ARRAY_BUFFER, vertices_.id());
    glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(data.vertices.size() * sizeof(LineVertex)),
                 data.vertices.data(), GL_STATIC_DRAW);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 3, GL_FLOAT, GL_FALSE, sizeof(LineVertex),
                          reinterpret_cast<const void*>(offsetof(LineVertex, position)));
    glEnableVertexAttribArray(1);
    glVertexAttribPointer(1, 4, GL_FLOAT, GL_FALSE, sizeof(LineVertex),
                          reinterpret_cast<const void*>(offsetof(LineVertex, color)));
    glBindVertexArray(0);
    glBindBuffer(GL_ARRAY_BUFFER, 0);
}

void GpuLines::draw() const {
    if (vertexCount_ == 0) return;
    glBindVertexArray(vertexArray_.id());
    glDrawArrays(GL_LINES, 0, vertexCount_);
    glBindVertexArray(0);
}

}  // namespace dbsprog::render
