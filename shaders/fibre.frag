#version 330 core
// Ribbon shading: brighter along the middle, darker at the edges, so a wide ribbon reads as a
// round fibre and crossing fibres stay apart.
in vec3 vColor;
in float vAcross;

uniform float uOpacity;

out vec4 fragColor;

void main() {
    float shade = 1.0 - 0.45 * vAcross * vAcross;
    fragColor = vec4(vColor * shade, uOpacity);
}
