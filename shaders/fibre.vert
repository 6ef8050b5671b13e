#version 330 core
// Axons as ribbons of constant screen width: each segment is a quad whose corners are pushed
// sideways from the projected segment (core profile has no wide lines). Firing flags come from a
// buffer texture (one byte per axon), so a new evaluation touches no vertex data.
layout(location = 0) in vec3 aStartMm;
layout(location = 1) in vec3 aEndMm;
layout(location = 2) in vec2 aCorner;  // x: 0 at the start, 1 at the end; y: -1 / +1 side
layout(location = 3) in vec3 aColor;
layout(location = 4) in int aAxon;

uniform mat4 uViewProjection;
uniform vec2 uViewportPx;
uniform samplerBuffer uFired;
uniform int uFiringPass;  // 1: draw the firing axons only; 0: the quiet ones only
uniform float uWidthPx;
uniform float uLift;      // firing colour: pathway colour lifted toward white by this much
uniform float uDesaturate;  // quiet colour: pathway colour moved toward its grey by this much
uniform vec4 uClipPlane;  // as in shell.vert: splits the quiet axons at the field slice

out vec3 vColor;
out float vAcross;  // -1 .. 1 across the ribbon

void main() {
    bool fired = texelFetch(uFired, aAxon).r > 0.5;
    if (fired != (uFiringPass == 1)) {
        gl_Position = vec4(2.0, 2.0, 2.0, 1.0);  // outside the clip volume: not drawn in this pass
        gl_ClipDistance[0] = -1.0;
        vColor = vec3(0.0);
        vAcross = 0.0;
        return;
    }
    vec4 clipStart = uViewProjection * vec4(aStartMm, 1.0);
    vec4 clipEnd = uViewProjection * vec4(aEndMm, 1.0);
    vec4 clip = mix(clipStart, clipEnd, aCorner.x);
    gl_ClipDistance[0] = dot(uClipPlane, vec4(mix(aStartMm, aEndMm, aCorner.x), 1.0));
    // Keep w positive for the direction so a segment reaching behind the camera does not flip.
    vec2 startPx = clipStart.xy / max(clipStart.w, 1e-4) * uViewportPx;
    vec2 endPx = clipEnd.xy / max(clipEnd.w, 1e-4) * uViewportPx;
    vec2 along = endPx - startPx;
    along = dot(along, along) > 1e-8 ? normalize(along) : vec2(1.0, 0.0);
    vec2 normal = vec2(-along.y, along.x);
    // Offset in NDC (2 units per viewport) times w, so it survives the perspective divide.
    clip.xy += normal * aCorner.y * uWidthPx / uViewportPx * clip.w;
    gl_Position = clip;
    vec3 grey = vec3(dot(aColor, vec3(0.2126, 0.7152, 0.0722)));
    vColor = mix(mix(aColor, grey, uDesaturate), vec3(1.0), uLift);
    vAcross = aCorner.y;
}
