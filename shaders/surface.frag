#version 330 core
// Blinn-Phong with a key light left of and slightly above the viewer and a weaker fill light from
// the right, plus a faint rim term that keeps the lead's silhouette readable on a dark background.
// The key light is kept low so that a vertical cylinder (the lead) can catch its highlight.
in vec3 vPositionView;
in vec3 vNormalView;

uniform vec3 uBaseColor;   // RGB 0..1
uniform float uSpecular;   // strength: metal contacts high, polyurethane shaft low
uniform float uShininess;  // Blinn exponent
uniform float uEmissive;   // 0..1: active contacts keep their colour even where unlit

out vec4 fragColor;

void main() {
    vec3 n = normalize(vNormalView);
    vec3 v = normalize(-vPositionView);
    // Two-sided: the inside of an open arc still shades sensibly.
    if (dot(n, v) < 0.0) n = -n;

    const vec3 keyDir = normalize(vec3(-0.50, 0.25, 0.83));
    const vec3 fillDir = normalize(vec3(0.75, -0.10, 0.65));
    float key = max(dot(n, keyDir), 0.0);
    float fill = max(dot(n, fillDir), 0.0);
    vec3 h = normalize(keyDir + v);
    float specular = uSpecular * pow(max(dot(n, h), 0.0), uShininess);
    float rim = 0.20 * pow(1.0 - max(dot(n, v), 0.0), 3.0);

    vec3 lit = uBaseColor * (0.16 + 0.70 * key + 0.20 * fill) + vec3(specular) + rim * vec3(0.55, 0.65, 0.80);
    vec3 color = mix(lit, uBaseColor * 0.95 + vec3(specular) * 0.5, uEmissive);
    fragColor = vec4(clamp(color, 0.0, 1.0), 1.0);
}
