#include "render/orbit_camera.hpp"

#include <algorithm>
#include <cmath>

#include <Eigen/Geometry>

namespace dbsprog::render {
namespace {
constexpr float kPi = 3.14159265358979323846f;
float radians(float degrees) { return degrees * kPi / 180.0f; }
}  // namespace

void OrbitCamera::frame(float zMinMm, float zMaxMm) {
    const float marginMm = 4.5f;  // shows the tip and some grid below the contacts
    const float spanMm = std::max(zMaxMm - zMinMm, 1.0f) + 2.0f * marginMm;
    CameraPose pose;
    pose.targetMm = {0.0f, 0.0f, 0.5f * (zMinMm + zMaxMm)};
    pose.distanceMm = std::clamp(0.5f * spanMm / std::tan(0.5f * radians(kFovYDeg)), kMinDistanceMm, kMaxDistanceMm);
    home_ = pose;
    pose_ = pose;
}

void OrbitCamera::setDirection(float yawDeg, float pitchDeg) {
    pose_.yawDeg = yawDeg;
    pose_.pitchDeg = std::clamp(pitchDeg, -kMaxPitchDeg, kMaxPitchDeg);
}

void OrbitCamera::setPose(const CameraPose& pose) {
    pose_ = pose;
    pose_.pitchDeg = std::clamp(pose_.pitchDeg, -kMaxPitchDeg, kMaxPitchDeg);
    pose_.distanceMm = std::clamp(pose_.distanceMm, kMinDistanceMm, kMaxDistanceMm);
}

void OrbitCamera::setHome(const CameraPose& pose) {
    setPose(pose);
    home_ = pose_;
}

void OrbitCamera::orbit(float dxPx, float dyPx) {
    // Dragging right moves the camera left around the target, so the scene turns with the hand.
    pose_.yawDeg = std::remainder(pose_.yawDeg - dxPx * kDegreesPerPixel, 360.0f);
    pose_.pitchDeg = std::clamp(pose_.pitchDeg + dyPx * kDegreesPerPixel, -kMaxPitchDeg, kMaxPitchDeg);
}

void OrbitCamera::zoom(float wheelSteps) {
    pose_.distanceMm =
        std::clamp(pose_.distanceMm * std::pow(kZoomPerWheelStep, wheelSteps), kMinDistanceMm, kMaxDistanceMm);
}

void OrbitCamera::pan(float dxPx, float dyPx, float viewportHeightPx) {
    if (viewportHeightPx <= 0.0f) return;
    // Size of one pixel at the target's depth.
    const float mmPerPx = 2.0f * pose_.distanceMm * std::tan(0.5f * radians(kFovYDeg)) / viewportHeightPx;
    pose_.targetMm += (-dxPx * right() + dyPx * up()) * mmPerPx;
}

Eigen::Vector3f OrbitCamera::forward() const {
    const float yaw = radians(pose_.yawDeg), pitch = radians(pose_.pitchDeg);
    const Eigen::Vector3f towardEye(std::cos(pitch) * std::cos(yaw), std::cos(pitch) * std::sin(yaw), std::sin(pitch));
    return -towardEye;
}

Eigen::Vector3f OrbitCamera::eye() const { return pose_.targetMm - pose_.distanceMm * forward(); }

Eigen::Vector3f OrbitCamera::right() const {
    // Pitch stays below 90 degrees, so forward is never parallel to +z.
    return forward().cross(Eigen::Vector3f::UnitZ()).normalized();
}

Eigen::Vector3f OrbitCamera::up() const { return right().cross(forward()).normalized(); }

float OrbitCamera::nearMm() const { return std::max(0.05f, 0.05f * pose_.distanceMm); }
float OrbitCamera::farMm() const { return 20.0f * pose_.distanceMm + 100.0f; }

Eigen::Matrix4f OrbitCamera::view() const {
    const Eigen::Vector3f f = forward(), r = right(), u = up(), e = eye();
    Eigen::Matrix4f m = Eigen::Matrix4f::Identity();
    m.block<1, 3>(0, 0) = r.transpose();
    m.block<1, 3>(1, 0) = u.transpose();
    m.block<1, 3>(2, 0) = -f.transpose();
    m(0, 3) = -r.dot(e);
    m(1, 3) = -u.dot(e);
    m(2, 3) = f.dot(e);
    return m;
}

Eigen::Matrix4f OrbitCamera::projection(float aspect) const {
    const float n = nearMm(), f = farMm();
    const float t = 1.0f / std::tan(0.5f * radians(kFovYDeg));
    Eigen::Matrix4f m = Eigen::Matrix4f::Zero();
    m(0, 0) = t / std::max(aspect, 1e-3f);
    m(1, 1) = t;
    m(2, 2) = (f + n) / (n - f);
    m(2, 3) = 2.0f * f * n / (n - f);
    m(3, 2) = -1.0f;
    return m;
}

std::optional<Eigen::Vector2f> OrbitCamera::project(const Eigen::Vector3f& pointMm, float widthPx,
                                                    float heightPx) const {
    const Eigen::Vector4f clip =
        projection(widthPx / std::max(heightPx, 1.0f)) * view() * Eigen::Vector4f(pointMm.x(), pointMm.y(), pointMm.z(), 1.0f);
    if (clip.w() <= 1e-6f) return std::nullopt;
    const float x = clip.x() / clip.w(), y = clip.y() / clip.w();
    return Eigen::Vector2f((x * 0.5f + 0.5f) * widthPx, (1.0f - (y * 0.5f + 0.5f)) * heightPx);
}

}  // namespace dbsprog::render
