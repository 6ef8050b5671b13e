#version 330 core
// Lit surfaces (lead shaft, contacts, marker). Positions in the lead frame, millimetres;
// lighting is computed in view space so the lights move with the camera.
layout(location = 0) in vec3 aPositionMm;
layout(location = 1) in vec3 aNormal;

uniform mat4 uView;
uniform mat4 uProjection;

out vec3 vPositionView;
out vec3 vNormalView;

void main() {
    vec4 positionView = uView * vec4(aPositionMm, 1.0);
    vPositionView = positionView.xyz;
    // The view matrix is a rigid motion, so its rotation part transforms normals directly.
    vNormalView = mat3(uView) * aNormal;
    gl_Position = uProjection * positionView;
}
