#version 330 core
// |E| on the slice: a logarithmic perceptual colour scale, transparent in the far field, more
// opaque above the activation threshold, and the threshold itself as a white contour.
in vec2 vTexcoord;

uniform sampler2D uField;      // |E| in V/mm; inside the lead: the nearest tissue value
uniform sampler2D uColourMap;  // 1 texel high, scale position along x
uniform float uLogMin;         // log10 of the scale's ends, V/mm
uniform float uLogMax;
uniform float uLogThreshold;   // log10 of the activation threshold
uniform float uVeilOpacity;    // just below the threshold (fading to 0 at the scale's low end)
uniform float uActiveOpacity;  // above the threshold: light enough to see fibres behind the slice
uniform float uContourWidthPx;

out vec4 fragColor;

void main() {
    float magnitude = texture(uField, vTexcoord).r;
    if (magnitude <= 0.0) discard;  // no field (stimulation off)
    float level = log(magnitude) / log(10.0);
    float t = clamp((level - uLogMin) / (uLogMax - uLogMin), 0.0, 1.0);
    vec3 color = texture(uColourMap, vec2(t, 0.5)).rgb;
    // A faint veil that fades in toward the threshold, then a clearly denser region above it.
    float alpha = level >= uLogThreshold ? uActiveOpacity : uVeilOpacity * smoothstep(uLogMin, uLogThreshold, level);
    // Contour: distance to the threshold level in pixels, from the level's screen-space rate of change.
    float pixels = abs(level - uLogThreshold) / max(fwidth(level), 1e-6);
    float contour = 1.0 - smoothstep(0.5 * uContourWidthPx, 0.5 * uContourWidthPx + 1.0, pixels);
    color = mix(color, vec3(1.0), contour);
    alpha = max(alpha, 0.95 * contour);
    if (alpha < 0.004) discard;
    fragColor = vec4(color, alpha);
}
