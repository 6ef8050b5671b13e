#version 330 core
// The VTA surface (|E| = activation threshold), lead frame. As shell.vert: a clip plane so the parts
// behind and in front of the field slice are drawn before and after it (blending order across the slice).
layout(location = 0) in vec3 aPositionMm;
layout(location = 1) in vec3 aNormal;  // outward: toward weaker field

uniform mat4 uView;
uniform mat4 uProjection;
uniform vec4 uClipPlane;  // kept where dot(uClipPlane, (x, 1)) >= 0, lead frame; used with GL_CLIP_DISTANCE0

out vec3 vPositionView;
out vec3 vNormalView;

void main() {
    vec4 positionView = uView * vec4(aPositionMm, 1.0);
    vPositionView = positionView.xyz;
    vNormalView = mat3(uView) * aNormal;  // rigid view: its rotation transforms normals
    gl_ClipDistance[0] = dot(uClipPlane, vec4(aPositionMm, 1.0));
    gl_Position = uProjection * positionView;
}
