#version 330 core
// One triangle that covers the viewport, generated from the vertex index (no vertex buffer).
out float vHeight;  // 0 at the bottom of the viewport, 1 at the top

void main() {
    vec2 corner = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));  // (0,0) (2,0) (0,2)
    vHeight = corner.y;
    gl_Position = vec4(corner * 2.0 - 1.0, 1.0, 1.0);
}
