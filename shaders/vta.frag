#version 330 core
// The VTA as a translucent veil: nearly clear where it faces the viewer, so the active contact and the
// firing fibres inside stay readable, denser toward the silhouette, which outlines the activated volume.
// A soft key light keeps its shape (bulges, the waist between contacts) legible.
in vec3 vPositionView;
in vec3 vNormalView;

uniform vec3 uBaseColor;     // RGB 0..1: the field colour map at the threshold
uniform float uFaceOpacity;  // where the surface faces the viewer
uniform float uRimOpacity;   // at the silhouette

out vec4 fragColor;

void main() {
    vec3 n = normalize(vNormalView);
    vec3 v = normalize(-vPositionView);
    float facing = abs(dot(n, v));
    float rim = pow(1.0 - facing, 2.0);

    const vec3 keyDir = normalize(vec3(-0.50, 0.25, 0.83));
    float key = max(dot(n, keyDir), 0.0);
    vec3 h = normalize(keyDir + v);
    float specular = 0.3 * pow(max(dot(n, h), 0.0), 24.0);
    vec3 lit = uBaseColor * (0.55 + 0.45 * key) + vec3(specular);
    // The silhouette toward a light tint of the colour, so the outline reads on the dark background.
    vec3 color = mix(lit, uBaseColor + 0.25 * (vec3(1.0) - uBaseColor), rim);
    fragColor = vec4(clamp(color, 0.0, 1.0), mix(uFaceOpacity, uRimOpacity, rim) + 0.5 * specular);
}
