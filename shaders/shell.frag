#version 330 core
// Translucent anatomical structure (an ellipsoid shell). Faces nearly square to the view are faint
// and the silhouette is stronger, so a structure nested in another stays visible through it and
// each outline reads like a contour on an atlas.
in vec3 vPositionView;
in vec3 vNormalView;

uniform vec3 uBaseColor;     // RGB 0..1, from the anatomy file
uniform float uFaceOpacity;  // where the surface faces the viewer
uniform float uRimOpacity;   // at the silhouette

out vec4 fragColor;

void main() {
    vec3 n = normalize(vNormalView);
    vec3 v = normalize(-vPositionView);
    if (dot(n, v) < 0.0) n = -n;  // two-sided, should a shell ever be drawn without culling
    float facing = max(dot(n, v), 0.0);
    float rim = pow(1.0 - facing, 2.5);

    const vec3 keyDir = normalize(vec3(-0.50, 0.25, 0.83));
    float key = max(dot(n, keyDir), 0.0);
    vec3 h = normalize(keyDir + v);
    float specular = 0.25 * pow(max(dot(n, h), 0.0), 32.0);
    vec3 lit = uBaseColor * (0.45 + 0.55 * key) + vec3(specular);
    // Lift the silhouette toward the colour's light tint so outlines stay visible on a dark background.
    vec3 color = mix(lit, uBaseColor + 0.35 * (vec3(1.0) - uBaseColor), rim);
    fragColor = vec4(clamp(color, 0.0, 1.0), mix(uFaceOpacity, uRimOpacity, rim));
}
