#version 330 core
// The field slice: a rectangle through the lead axis, in millimetres.
layout(location = 0) in vec3 aPositionMm;
layout(location = 1) in vec2 aTexcoord;

uniform mat4 uViewProjection;

out vec2 vTexcoord;

void main() {
    vTexcoord = aTexcoord;
    gl_Position = uViewProjection * vec4(aPositionMm, 1.0);
}
