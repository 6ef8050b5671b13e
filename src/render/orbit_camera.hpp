#pragma once
/// Orbit camera about a target point, z up (the lead's axis stands vertical on screen).
#include <optional>

#include <Eigen/Core>

namespace dbsprog::render {

struct CameraPose {
    float yawDeg = -35.0f;   ///< about +z, from +x; -35 shows segment "a" (+x) turned toward the viewer
    float pitchDeg = 12.0f;  ///< elevation above the x-y plane
    float distanceMm = 40.0f;
    Eigen::Vector3f targetMm{0.0f, 0.0f, 5.0f};
};

class OrbitCamera {
public:
    static constexpr float kFovYDeg = 30.0f;
    static constexpr float kDegreesPerPixel = 0.4f;  ///< orbit speed
    static constexpr float kZoomPerWheelStep = 0.88f;
    static constexpr float kMinDistanceMm = 2.0f;
    static constexpr float kMaxDistanceMm = 400.0f;
    static constexpr float kMaxPitchDeg = 89.0f;

    /// Frames the contact array [zMinMm, zMaxMm] with a margin and makes that the home pose.
    void frame(float zMinMm, float zMaxMm);
    /// Back to the home pose.
    void reset() { pose_ = home_; }
    /// Turns to a preset direction keeping target and distance.
    void setDirection(float yawDeg, float pitchDeg);

    /// Mouse drag of (dx, dy) pixels: drag right turns the scene right, drag down tilts it down.
    void orbit(float dxPx, float dyPx);
    /// Mouse wheel: positive steps move closer.
    void zoom(float wheelSteps);
    /// Drag of (dx, dy) pixels in a viewport `viewportHeightPx` tall: the point under the cursor
    /// stays under the cursor (at the target's depth).
    void pan(float dxPx, float dyPx, float viewportHeightPx);

    const CameraPose& pose() const { return pose_; }
    void setPose(const CameraPose& pose);
    const CameraPose& home() const { return home_; }
    /// Replaces the home pose and goes there.
    void setHome(const CameraPose& pose);

    Eigen::Vector3f eye() const;
    Eigen::Vector3f forward() const;  ///< unit, from eye to target
    Eigen::Vector3f right() const;    ///< unit, screen right
    Eigen::Vector3f up() const;       ///< unit, screen up

    Eigen::Matrix4f view() const;
    Eigen::Matrix4f projection(float aspect) const;
    float nearMm() const;
    float farMm() const;

    /// Pixel position (origin top-left, y down) of `pointMm` in a w x h viewport; nullopt if the
    /// point is behind the camera.
    std::optional<Eigen::Vector2f> project(const Eigen::Vector3f& pointMm, float widthPx, float heightPx) const;

private:
    CameraPose pose_;
    CameraPose home_;
};

}  // namespace dbsprog::render
