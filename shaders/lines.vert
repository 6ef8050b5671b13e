#version 330 core
// Coloured line segments: ground grid and axes, in millimetres.
layout(location = 0) in vec3 aPositionMm;
layout(location = 1) in vec4 aColor;

uniform mat4 uViewProjection;

out vec4 vColor;

void main() {
    vColor = aColor;
    gl_Position = uViewProjection * vec4(aPositionMm, 1.0);
}
