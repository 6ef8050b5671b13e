#include "gui/patient_figure.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>

namespace dbsprog::gui {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kDegToRad = kPi / 180.0;

// ---- Pose: rest posture and the excursion each movement reaches at 100 % -------------------------

// Rest: arms hang a little away from the body with palms turned partly forward (the hands read as
// hands from the front), fingers relaxed, toes slightly out.
constexpr double kRestArmAbductionDeg = 7.0;
constexpr double kRestElbowFlexionDeg = 12.0;
constexpr double kRestForearmPronationDeg = -30.0;
constexpr double kRestFingerCurl = 0.2;
constexpr double kRestHipAbductionDeg = 3.0;
constexpr double kRestHipInternalRotationDeg = -10.0;

// Full-severity excursions. Cervical: the head turned about 60 degrees (TWSTRS rates > 45 degrees
// rotation as severe), tilted or pulled 35 degrees.
constexpr double kHeadTurnDeg = 60.0;
constexpr double kHeadTiltDeg = 35.0;
constexpr double kHeadPullDeg = 35.0;
constexpr double kTrunkTwistDeg = 30.0;
constexpr double kTrunkBendDeg = 10.0;
// Dystonic arm: shoulder raised and internally rotated, elbow lifted and flexed, forearm pronated,
// wrist and fingers flexed.
constexpr double kArmAbductionDeg = 22.0;
constexpr double kArmFlexionDeg = 15.0;
constexpr double kArmInternalRotationDeg = 55.0;
constexpr double kArmShoulderElevation = 0.7;
constexpr double kArmElbowFlexionDeg = 75.0;
constexpr double kArmPronationDeg = 110.0;
constexpr double kArmWristFlexionDeg = 55.0;
constexpr double kArmFingerCurl = 0.55;
// Writer's cramp: the hand clenches, wrist flexes and the forearm pronates; the elbow lifts.
constexpr double kCrampAbductionDeg = 12.0;
constexpr double kCrampElbowFlexionDeg = 25.0;
constexpr double kCrampPronationDeg = 60.0;
constexpr double kCrampWristFlexionDeg = 45.0;
constexpr double kCrampFingerCurl = 0.8;
// Dystonic foot: turns in (internal rotation), inverts and points down; the knee bends a little.
constexpr double kLegInternalRotationDeg = 30.0;
constexpr double kLegKneeFlexionDeg = 12.0;
constexpr double kLegInversionDeg = 35.0;
constexpr double kLegPlantarFlexionDeg = 30.0;
// Tremor: peak hand excursion (fraction of the figure height) and pill-rolling rotation at 100 %.
constexpr double kTremorAmplitude = 0.025;
constexpr double kTremorRotationDeg = 22.0;
constexpr double kTremorVerticalShare = 0.3;  // the hand moves mostly sideways

// Anatomical limits the summed excursions are clamped to.
constexpr double kMaxHeadYawDeg = 80.0;
constexpr double kMaxHeadRollDeg = 45.0;
constexpr double kMaxHeadPitchDeg = 45.0;
constexpr double kMaxTrunkTwistDeg = 45.0;
constexpr double kMaxTrunkBendDeg = 25.0;
constexpr double kMaxElbowFlexionDeg = 130.0;
constexpr double kMaxPronationDeg = 90.0;
constexpr double kMaxWristFlexionDeg = 80.0;
constexpr double kMaxShoulderAbductionDeg = 60.0;
constexpr double kMaxInternalRotationDeg = 70.0;
constexpr double kMaxInversionDeg = 45.0;
constexpr double kMaxPlantarFlexionDeg = 45.0;

// Phasic drift: three incommensurate slow sines (periods 3.5 s to 20 s), weights summing to 1.
constexpr std::array<double, 3> kDriftFrequenciesHz = {0.29, 0.13, 0.05};
constexpr std::array<double, 3> kDriftWeights = {0.5, 0.3, 0.2};

double clamp01(double v) { return std::clamp(std::isfinite(v) ? v : 0.0, 0.0, 1.0); }

std::string lowerCase(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// FNV-1a: a stable seed per movement and side, the same on every platform (std::hash is not).
std::uint32_t stableHash(const std::string& text) {
    std::uint32_t h = 2166136261u;
    for (unsigned char c : text) {
        h ^= c;
        h *= 16777619u;
    }
    return h;
}

/// In [-1, 1]; smooth and irregular; deterministic in (seed, t).
double drift(std::uint32_t seed, double timeS) {
    double sum = 0.0;
    for (std::size_t i = 0; i < kDriftFrequenciesHz.size(); ++i) {
        const double phase = 2.0 * kPi * static_cast<double>((seed >> (i * 8)) & 0xFFu) / 256.0;
        sum += kDriftWeights[i] * std::sin(2.0 * kPi * kDriftFrequenciesHz[i] * timeS + phase);
    }
    return sum;
}

bool isLeft(const std::string& side) { return lowerCase(side) == "left"; }

}  // namespace

std::string sideFromText(const std::string& idOrName) {
    const std::string text = lowerCase(idOrName);
    // Order matters only for texts naming two (none of the shipped cases do).
    for (const char* word : {"right", "left", "forward", "back"}) {
        if (text.find(word) != std::string::npos) return word;
    }
    return {};
}

FigurePose poseFor(const std::vector<FigureRegion>& regions, double animationTimeS) {
    FigurePose pose;
    for (ArmPose* arm : {&pose.rightArm, &pose.leftArm}) {
        arm->shoulderAbductionDeg = kRestArmAbductionDeg;
        arm->elbowFlexionDeg = kRestElbowFlexionDeg;
        arm->forearmPronationDeg = kRestForearmPronationDeg;
        arm->fingerCurl01 = kRestFingerCurl;
    }
    for (LegPose* leg : {&pose.rightLeg, &pose.leftLeg}) {
        leg->hipAbductionDeg = kRestHipAbductionDeg;
        leg->hipInternalRotationDeg = kRestHipInternalRotationDeg;
    }

    const double t = std::isfinite(animationTimeS) ? animationTimeS : 0.0;
    for (const FigureRegion& region : regions) {
        const double severity = clamp01(region.severity01);
        if (severity <= 0.0) continue;
        const std::string movement = lowerCase(region.movement);
        const std::string side = lowerCase(region.side);
        // Excursion share: severity, wobbling by at most kDriftShare (stays monotonic in severity).
        const double s = severity * (1.0 + kDriftShare * drift(stableHash(movement + "/" + side), t));
        const double towardRight = isLeft(side) ? -1.0 : 1.0;
        ArmPose& arm = isLeft(side) ? pose.leftArm : pose.rightArm;
        LegPose& leg = isLeft(side) ? pose.leftLeg : pose.rightLeg;

        if (movement == "head-turn") {
            pose.headYawDeg += towardRight * kHeadTurnDeg * s;
        } else if (movement == "head-tilt") {
            pose.headRollDeg += towardRight * kHeadTiltDeg * s;
        } else if (movement == "head-pull") {
            pose.headPitchDeg += (side == "forward" ? -1.0 : 1.0) * kHeadPullDeg * s;
        } else if (movement == "trunk-twist") {
            pose.trunkTwistDeg += towardRight * kTrunkTwistDeg * s;
            pose.trunkBendDeg += towardRight * kTrunkBendDeg * s;
        } else if (movement == "arm-twist") {
            arm.shoulderAbductionDeg += kArmAbductionDeg * s;
            arm.shoulderFlexionDeg += kArmFlexionDeg * s;
            arm.shoulderInternalRotationDeg += kArmInternalRotationDeg * s;
            arm.shoulderElevation01 += kArmShoulderElevation * s;
            arm.elbowFlexionDeg += kArmElbowFlexionDeg * s;
            arm.forearmPronationDeg += kArmPronationDeg * s;
            arm.wristFlexionDeg += kArmWristFlexionDeg * s;
            arm.fingerCurl01 += kArmFingerCurl * s;
        } else if (movement == "hand-cramp") {
            arm.shoulderAbductionDeg += kCrampAbductionDeg * s;
            arm.elbowFlexionDeg += kCrampElbowFlexionDeg * s;
            arm.forearmPronationDeg += kCrampPronationDeg * s;
            arm.wristFlexionDeg += kCrampWristFlexionDeg * s;
            arm.fingerCurl01 += kCrampFingerCurl * s;
        } else if (movement == "leg-twist") {
            leg.hipInternalRotationDeg += kLegInternalRotationDeg * s;
            leg.kneeFlexionDeg += kLegKneeFlexionDeg * s;
            leg.ankleInversionDeg += kLegInversionDeg * s;
            leg.anklePlantarFlexionDeg += kLegPlantarFlexionDeg * s;
        } else if (movement == "eyelid-close") {
            pose.eyelidClosure01 += s;
            pose.browLower01 += s;
        } else if (movement == "jaw-open") {
            pose.jawOpen01 += s;
        } else if (movement == "hand-tremor") {
            // Tremor is rhythmic, not phasic: a steady amplitude at one frequency.
            const double amplitude = kTremorAmplitude * severity;
            const double phase = 2.0 * kPi * kTremorFrequencyHz * t;
            arm.tremorAmplitude += amplitude;
            arm.tremorOffsetX += amplitude * std::sin(phase);
            arm.tremorOffsetY += kTremorVerticalShare * amplitude * std::sin(phase + 1.3);
            arm.tremorRotationDeg += kTremorRotationDeg * severity * std::sin(phase + 0.6);
        }
    }

    pose.headYawDeg = std::clamp(pose.headYawDeg, -kMaxHeadYawDeg, kMaxHeadYawDeg);
    pose.headRollDeg = std::clamp(pose.headRollDeg, -kMaxHeadRollDeg, kMaxHeadRollDeg);
    pose.headPitchDeg = std::clamp(pose.headPitchDeg, -kMaxHeadPitchDeg, kMaxHeadPitchDeg);
    pose.trunkTwistDeg = std::clamp(pose.trunkTwistDeg, -kMaxTrunkTwistDeg, kMaxTrunkTwistDeg);
    pose.trunkBendDeg = std::clamp(pose.trunkBendDeg, -kMaxTrunkBendDeg, kMaxTrunkBendDeg);
    pose.eyelidClosure01 = clamp01(pose.eyelidClosure01);
    pose.browLower01 = clamp01(pose.browLower01);
    pose.jawOpen01 = clamp01(pose.jawOpen01);
    for (ArmPose* arm : {&pose.rightArm, &pose.leftArm}) {
        arm->shoulderAbductionDeg = std::min(arm->shoulderAbductionDeg, kMaxShoulderAbductionDeg);
        arm->shoulderInternalRotationDeg = std::min(arm->shoulderInternalRotationDeg, kMaxInternalRotationDeg);
        arm->shoulderElevation01 = clamp01(arm->shoulderElevation01);
        arm->elbowFlexionDeg = std::min(arm->elbowFlexionDeg, kMaxElbowFlexionDeg);
        arm->forearmPronationDeg = std::min(arm->forearmPronationDeg, kMaxPronationDeg);
        arm->wristFlexionDeg = std::min(arm->wristFlexionDeg, kMaxWristFlexionDeg);
        arm->fingerCurl01 = clamp01(arm->fingerCurl01);
    }
    for (LegPose* leg : {&pose.rightLeg, &pose.leftLeg}) {
        leg->hipInternalRotationDeg = std::min(leg->hipInternalRotationDeg, kMaxInternalRotationDeg);
        leg->ankleInversionDeg = std::min(leg->ankleInversionDeg, kMaxInversionDeg);
        leg->anklePlantarFlexionDeg = std::min(leg->anklePlantarFlexionDeg, kMaxPlantarFlexionDeg);
    }
    return pose;
}

// ---- Skeleton: joint positions in the figure frame -----------------------------------------------

namespace {

struct V3 {
    double x = 0.0, y = 0.0, z = 0.0;
};
V3 operator+(V3 a, V3 b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
V3 operator-(V3 a, V3 b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
V3 operator*(V3 a, double s) { return {a.x * s, a.y * s, a.z * s}; }
double dot(V3 a, V3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
V3 cross(V3 a, V3 b) { return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x}; }
V3 normalized(V3 a, V3 fallback) {
    const double n = std::sqrt(dot(a, a));
    return n > 1e-9 ? a * (1.0 / n) : fallback;
}
FigurePoint toPoint(V3 v) { return {v.x, v.y, v.z}; }

// Rotations with the figure's signs: rotY(+) turns the front toward the patient's right (-x),
// rotZ(+) leans the top toward the patient's right, rotX(+) tips the front up (chin up).
V3 rotY(V3 v, double a) { return {v.x * std::cos(a) - v.z * std::sin(a), v.y, v.x * std::sin(a) + v.z * std::cos(a)}; }
V3 rotZ(V3 v, double a) { return {v.x * std::cos(a) + v.y * std::sin(a), -v.x * std::sin(a) + v.y * std::cos(a), v.z}; }
V3 rotX(V3 v, double a) { return {v.x, v.y * std::cos(a) - v.z * std::sin(a), v.y * std::sin(a) + v.z * std::cos(a)}; }

// Proportions, in hundredths of the standing height (a friendly ~6.5-heads figure).
constexpr double kPelvisY = 52.0;
constexpr double kHipY = 53.5;
constexpr double kHipHalfWidth = 6.2;
constexpr double kShoulderY = 25.8;
constexpr double kShoulderHalfWidth = 11.8;
constexpr double kShoulderElevationMax = 2.8;
constexpr double kNeckBaseY = 23.5;
constexpr double kNeckLength = 6.0;
constexpr double kHeadAboveNeckTop = 7.2;
constexpr double kHeadShiftWithPitch = 1.5;  // the head rises a little with the chin up
constexpr double kChestDepth = 6.5;          // front of the chest ahead of the spine
constexpr double kUpperArmLength = 16.5;
constexpr double kForearmLength = 14.5;
constexpr double kPalmLength = 4.6;
constexpr double kThighLength = 22.0;
constexpr double kShinLength = 21.0;
constexpr double kFootLength = 7.5;
constexpr double kAnkleAboveSole = 2.2;

/// Side sign in x: the patient's right is the viewer's left.
constexpr double kRightSign = -1.0;
constexpr double kLeftSign = 1.0;

struct Trunk {
    double twist = 0.0, bend = 0.0;
    // Twist grows from the pelvis (none) to the shoulders (all); the lean pivots at the pelvis.
    V3 place(V3 rest) const {
        const double share = std::clamp((kPelvisY - rest.y) / (kPelvisY - kShoulderY), 0.0, 1.0);
        V3 v = rest - V3{0.0, kPelvisY, 0.0};
        v = rotZ(rotY(v, twist * share), bend);
        return v + V3{0.0, kPelvisY, 0.0};
    }
};

/// Orientation of the head: pitch, then yaw, then roll (each as FigurePose defines it).
struct HeadFrame {
    double pitch = 0.0, yaw = 0.0, roll = 0.0;
    V3 rotateNoRoll(V3 v) const { return rotY(rotX(v, pitch), yaw); }
    V3 rotate(V3 v) const { return rotZ(rotateNoRoll(v), roll); }
};

HeadFrame headFrameFor(const FigurePose& pose) {
    // Cervical angles are relative to the trunk, which carries the head with it.
    return {pose.headPitchDeg * kDegToRad, (pose.headYawDeg + pose.trunkTwistDeg) * kDegToRad,
            (pose.headRollDeg + pose.trunkBendDeg) * kDegToRad};
}

/// The arm's joints and the hand's axes: along the hand, palm normal, toward the thumb.
struct ArmFrame {
    V3 shoulder, elbow, wrist, knuckles;
    V3 upperDir, foreDir, handDir, palm, thumbSide;
};

ArmFrame armFrame(const ArmPose& a, double sideSign, const Trunk& trunk) {
    ArmFrame f;
    f.shoulder = trunk.place({sideSign * kShoulderHalfWidth, kShoulderY - a.shoulderElevation01 * kShoulderElevationMax, 0.0});
    const double abd = a.shoulderAbductionDeg * kDegToRad, flex = a.shoulderFlexionDeg * kDegToRad;
    // Arm angles are in the world frame: a relaxed arm hangs with gravity whatever the trunk does.
    f.upperDir = normalized({sideSign * std::sin(abd) * std::cos(flex), std::cos(abd) * std::cos(flex), std::sin(flex)}, {0, 1, 0});
    const V3 forward0 = normalized(V3{0, 0, 1} - f.upperDir * f.upperDir.z, {0, -1, 0});
    const V3 medial0 = cross(f.upperDir, forward0) * (-sideSign);
    const double rot = a.shoulderInternalRotationDeg * kDegToRad;
    const V3 forward = forward0 * std::cos(rot) + medial0 * std::sin(rot);
    const V3 medial = medial0 * std::cos(rot) - forward0 * std::sin(rot);
    const double elbow = a.elbowFlexionDeg * kDegToRad;
    f.foreDir = f.upperDir * std::cos(elbow) + forward * std::sin(elbow);
    const V3 thumbRef = forward * std::cos(elbow) - f.upperDir * std::sin(elbow);
    const double pron = (a.forearmPronationDeg + a.tremorRotationDeg) * kDegToRad;
    const V3 palm = medial * std::cos(pron) - thumbRef * std::sin(pron);
    f.thumbSide = thumbRef * std::cos(pron) + medial * std::sin(pron);
    const double wrist = a.wristFlexionDeg * kDegToRad;
    f.handDir = f.foreDir * std::cos(wrist) + palm * std::sin(wrist);
    f.palm = palm * std::cos(wrist) - f.foreDir * std::sin(wrist);

    f.elbow = f.shoulder + f.upperDir * kUpperArmLength;
    const V3 tremor{sideSign * a.tremorOffsetX * 100.0, a.tremorOffsetY * 100.0, 0.0};
    f.wrist = f.elbow + f.foreDir * kForearmLength + tremor;
    f.knuckles = f.wrist + f.handDir * kPalmLength;
    return f;
}

/// The leg's joints and the foot's axes: forward along the foot, up out of the instep, lateral.
struct LegFrame {
    V3 hip, knee, ankle, toes;
    V3 footForward, footUp, footLateral;
};

LegFrame legFrame(const LegPose& l, double sideSign) {
    LegFrame f;
    f.hip = {sideSign * kHipHalfWidth, kHipY, 0.0};
    const double abd = l.hipAbductionDeg * kDegToRad;
    const V3 thighDir{sideSign * std::sin(abd), std::cos(abd), 0.0};
    f.knee = f.hip + thighDir * kThighLength;
    const double knee = l.kneeFlexionDeg * kDegToRad;
    const V3 shinDir = thighDir * std::cos(knee) + V3{0, 0, -1} * std::sin(knee);
    f.ankle = f.knee + shinDir * kShinLength;

    const double toeOut = -l.hipInternalRotationDeg * kDegToRad;
    const V3 forward0{sideSign * std::sin(toeOut), 0.0, std::cos(toeOut)};
    const double plantar = l.anklePlantarFlexionDeg * kDegToRad;
    const V3 forward = forward0 * std::cos(plantar) + V3{0, 1, 0} * std::sin(plantar);
    const V3 up0 = V3{0, -1, 0} * std::cos(plantar) + forward0 * std::sin(plantar);
    const V3 lateral0 = cross(forward, up0) * sideSign;
    const double inv = l.ankleInversionDeg * kDegToRad;
    f.footForward = forward;
    f.footUp = up0 * std::cos(inv) + lateral0 * std::sin(inv);
    f.footLateral = lateral0 * std::cos(inv) - up0 * std::sin(inv);
    f.toes = f.ankle + f.footForward * kFootLength - f.footUp * kAnkleAboveSole;
    return f;
}

struct NeckAndHead {
    V3 neckBase, neckTop, headCentre;
};

NeckAndHead neckAndHead(const FigurePose& pose, const Trunk& trunk) {
    NeckAndHead n;
    n.neckBase = trunk.place({0.0, kNeckBaseY, 0.0});
    const double roll = (pose.headRollDeg + pose.trunkBendDeg) * kDegToRad;
    const double bend = pose.trunkBendDeg * kDegToRad;
    // The neck takes half the head's own tilt; the rest is at the skull.
    n.neckTop = n.neckBase + rotZ({0.0, -kNeckLength, 0.0}, bend + 0.5 * (roll - bend));
    const double lift = kHeadShiftWithPitch * std::sin(pose.headPitchDeg * kDegToRad);
    n.headCentre = n.neckTop + rotZ({0.0, -kHeadAboveNeckTop - lift, 0.0}, roll);
    return n;
}

}  // namespace

FigureSkeleton skeletonFor(const FigurePose& pose) {
    const Trunk trunk{pose.trunkTwistDeg * kDegToRad, pose.trunkBendDeg * kDegToRad};
    FigureSkeleton s;
    s.pelvis = {0.0, kPelvisY, 0.0};
    const NeckAndHead nh = neckAndHead(pose, trunk);
    s.neckBase = toPoint(nh.neckBase);
    s.neckTop = toPoint(nh.neckTop);
    s.headCentre = toPoint(nh.headCentre);
    const HeadFrame head = headFrameFor(pose);
    s.faceDirection = toPoint(head.rotate({0, 0, 1}));
    s.headUp = toPoint(head.rotate({0, -1, 0}));
    const auto arm = [&](const ArmPose& a, double sign) {
        const ArmFrame f = armFrame(a, sign, trunk);
        return ArmJoints{toPoint(f.shoulder), toPoint(f.elbow), toPoint(f.wrist), toPoint(f.knuckles)};
    };
    const auto leg = [&](const LegPose& l, double sign) {
        const LegFrame f = legFrame(l, sign);
        return LegJoints{toPoint(f.hip), toPoint(f.knee), toPoint(f.ankle), toPoint(f.toes)};
    };
    s.rightArm = arm(pose.rightArm, kRightSign);
    s.leftArm = arm(pose.leftArm, kLeftSign);
    s.rightLeg = leg(pose.rightLeg, kRightSign);
    s.leftLeg = leg(pose.leftLeg, kLeftSign);
    return s;
}

// ---- Drawing --------------------------------------------------------------------------------------

namespace {

// The figure's box in figure units: wide enough for raised elbows and a bent trunk, from above the
// hair to below the ground shadow.
constexpr double kBoxHalfWidth = 31.0;
constexpr double kBoxTop = -2.0;
constexpr double kBoxBottom = 103.0;
constexpr double kGroundY = 100.0;
static_assert(2.0 * kBoxHalfWidth / (kBoxBottom - kBoxTop) > kFigureAspect - 0.01 &&
                  2.0 * kBoxHalfWidth / (kBoxBottom - kBoxTop) < kFigureAspect + 0.01,
              "kFigureAspect (header) must match the figure's box");

// Ink line width in figure units, and never thinner than one pixel.
constexpr float kInkUnits = 0.42f;
constexpr float kMinInkPx = 1.0f;

// Radii of the body's parts (figure units).
constexpr double kNeckRadius = 2.7;
constexpr double kUpperArmRadiusTop = 2.5, kUpperArmRadiusBottom = 2.0;
constexpr double kWristRadius = 1.55;
constexpr double kSleeveRadiusTop = 3.0, kSleeveRadiusBottom = 2.8, kSleeveShare = 0.5;
constexpr double kThighRadiusTop = 4.6, kKneeRadius = 3.3, kAnkleRadius = 2.3;

// Head: an egg (unit sphere warped) with these semi-axes; the jaw narrows below the middle.
constexpr double kHeadRx = 7.6, kHeadRyTop = 8.9, kHeadRyBottom = 9.3;
constexpr double kJawTaper = 0.24;
constexpr double kJawFollow = 0.3;  // share of the face's sideways turn the chin line takes
constexpr double kJawDropShare = 0.12;  // the chin drops this fraction with the jaw wide open
constexpr double kChinLiftShare = 0.3;  // the chin line rises with the head pulled back
constexpr double kHairVolume = 0.05;    // hair stands this far off the skull

ImU32 withAlpha(ImU32 color, float alpha) {
    const unsigned a = static_cast<unsigned>(std::clamp(alpha, 0.0f, 1.0f) * static_cast<float>((color >> IM_COL32_A_SHIFT) & 0xFF) + 0.5f);
    return (color & ~IM_COL32_A_MASK) | (a << IM_COL32_A_SHIFT);
}

ImU32 mix(ImU32 a, ImU32 b, float t) {
    ImU32 out = 0;
    for (int shift : {IM_COL32_R_SHIFT, IM_COL32_G_SHIFT, IM_COL32_B_SHIFT, IM_COL32_A_SHIFT}) {
        const float ca = static_cast<float>((a >> shift) & 0xFF), cb = static_cast<float>((b >> shift) & 0xFF);
        out |= static_cast<ImU32>(ca + (cb - ca) * t + 0.5f) << shift;
    }
    return out;
}

float signedArea(const std::vector<ImVec2>& p) {
    float area = 0.0f;
    for (std::size_t i = 0, n = p.size(); i < n; ++i) {
        const ImVec2& a = p[i];
        const ImVec2& b = p[(i + 1) % n];
        area += a.x * b.y - b.x * a.y;
    }
    return 0.5f * area;
}

/// ImGui's anti-aliased fill wants the points clockwise on screen (positive area with y down).
void fillConvex(ImDrawList* dl, std::vector<ImVec2> points, ImU32 color) {
    if (points.size() < 3 || ((color >> IM_COL32_A_SHIFT) & 0xFF) == 0) return;
    if (signedArea(points) < 0.0f) std::reverse(points.begin(), points.end());
    dl->AddConvexPolyFilled(points.data(), static_cast<int>(points.size()), color);
}

float cross2(ImVec2 o, ImVec2 a, ImVec2 b) { return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x); }

constexpr float kCollinearArea = 1e-3f;  // squared pixels: below this a corner is a straight run

/// Ear clipping, for the few concave shapes (hair); edges smoothed by a one-pixel stroke.
void fillConcave(ImDrawList* dl, std::vector<ImVec2> points, ImU32 color) {
    if (points.size() < 3) return;
    if (signedArea(points) < 0.0f) std::reverse(points.begin(), points.end());
    std::vector<int> index(points.size());
    for (std::size_t i = 0; i < index.size(); ++i) index[i] = static_cast<int>(i);
    std::vector<ImVec2> triangles;
    const auto inside = [](ImVec2 p, ImVec2 a, ImVec2 b, ImVec2 c) {
        return cross2(a, b, p) > 0.0f && cross2(b, c, p) > 0.0f && cross2(c, a, p) > 0.0f;
    };
    while (index.size() > 3) {
        bool clipped = false;
        const std::size_t n = index.size();
        for (std::size_t i = 0; i < n && !clipped; ++i) {
            const ImVec2 a = points[index[(i + n - 1) % n]], b = points[index[i]], c = points[index[(i + 1) % n]];
            const float turn = cross2(a, b, c);
            if (std::fabs(turn) < kCollinearArea) {  // a point on a straight run adds no area: drop it
                index.erase(index.begin() + static_cast<std::ptrdiff_t>(i));
                clipped = true;
                continue;
            }
            if (turn < 0.0f) continue;  // reflex corner: not an ear
            bool empty = true;
            for (std::size_t j = 0; j < n && empty; ++j) {
                if (j == i || j == (i + 1) % n || j == (i + n - 1) % n) continue;
                empty = !inside(points[index[j]], a, b, c);
            }
            if (!empty) continue;
            triangles.insert(triangles.end(), {a, b, c});
            index.erase(index.begin() + static_cast<std::ptrdiff_t>(i));
            clipped = true;
        }
        if (!clipped) break;  // degenerate (self-touching) outline: fan the rest
    }
    for (std::size_t i = 1; i + 1 < index.size(); ++i)
        triangles.insert(triangles.end(), {points[index[0]], points[index[i]], points[index[i + 1]]});
    const ImVec2 uv = ImGui::GetFontTexUvWhitePixel();
    dl->PrimReserve(static_cast<int>(triangles.size()), static_cast<int>(triangles.size()));
    for (const ImVec2& p : triangles) dl->PrimVtx(p, uv, color);
    dl->AddPolyline(points.data(), static_cast<int>(points.size()), color, ImDrawFlags_Closed, 1.0f);
}

/// Largest gap between a drawn circle and the true one, pixels: below what anti-aliasing shows.
constexpr double kBlobMaxErrorPx = 0.3;

std::vector<ImVec2> convexHull(std::vector<ImVec2> p) {
    if (p.size() < 3) return p;
    std::sort(p.begin(), p.end(), [](ImVec2 a, ImVec2 b) { return a.x < b.x || (a.x == b.x && a.y < b.y); });
    std::vector<ImVec2> hull(2 * p.size());
    std::size_t k = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {  // Andrew's monotone chain
        while (k >= 2 && cross2(hull[k - 2], hull[k - 1], p[i]) <= 0.0f) --k;
        hull[k++] = p[i];
    }
    for (std::size_t i = p.size() - 1, t = k + 1; i > 0; --i) {
        while (k >= t && cross2(hull[k - 2], hull[k - 1], p[i - 1]) <= 0.0f) --k;
        hull[k++] = p[i - 1];
    }
    hull.resize(k - 1);
    return hull;
}

struct Circle {
    ImVec2 centre;
    float radius;
};

std::vector<ImVec2> ellipsePoints(ImVec2 c, float rx, float ry, int segments) {
    std::vector<ImVec2> out(static_cast<std::size_t>(segments));
    for (int i = 0; i < segments; ++i) {
        const double a = 2.0 * kPi * i / segments;
        out[static_cast<std::size_t>(i)] = {c.x + rx * static_cast<float>(std::cos(a)), c.y + ry * static_cast<float>(std::sin(a))};
    }
    return out;
}

/// A body part: the convex hull of circles (a capsule is two), in one colour.
struct Blob {
    std::vector<Circle> circles;
    ImU32 color;
};

void fillBlob(ImDrawList* dl, const Blob& blob, float grow, ImU32 color) {
    std::vector<ImVec2> points;
    for (const Circle& c : blob.circles) {
        const float r = c.radius + grow;
        if (r <= 0.0f) continue;
        // As few sides as keep the outline within kBlobMaxErrorPx of the circle: every side costs
        // triangles, and a software renderer pays for each (README, frame times).
        const int segments = std::clamp(
            static_cast<int>(std::ceil(kPi / std::acos(std::max(0.0, 1.0 - kBlobMaxErrorPx / static_cast<double>(r))))), 8, 40);
        const std::vector<ImVec2> ring = ellipsePoints(c.centre, r, r, segments);
        points.insert(points.end(), ring.begin(), ring.end());
    }
    fillConvex(dl, convexHull(std::move(points)), color);
}

/// Where the figure is drawn: figure units to pixels.
struct Canvas {
    ImDrawList* dl;
    ImVec2 origin;  ///< pixel position of the figure's (0, 0)
    float scale;    ///< pixels per figure unit
    float ink;      ///< outline width, pixels
    const FigureStyle& style;
    float alpha = 1.0f;  ///< multiplies every colour (tremor ghosts)

    ImVec2 map(V3 p) const { return {origin.x + static_cast<float>(p.x) * scale, origin.y + static_cast<float>(p.y) * scale}; }
    Circle circle(V3 p, double r) const { return {map(p), static_cast<float>(r) * scale}; }
    ImU32 col(ImU32 c) const { return withAlpha(c, alpha); }

    /// Parts drawn as one silhouette: every outline first, then every fill, so the ink shows only
    /// around the group and where a later group overlaps it.
    void group(const std::vector<Blob>& blobs) const {
        for (const Blob& b : blobs) fillBlob(dl, b, ink, col(style.outline));
        for (const Blob& b : blobs) fillBlob(dl, b, 0.0f, col(b.color));
    }
    void stroke(const std::vector<ImVec2>& points, ImU32 color, float thickness, bool closed = false) const {
        if (points.size() < 2) return;
        dl->AddPolyline(points.data(), static_cast<int>(points.size()), col(color), closed ? ImDrawFlags_Closed : 0, thickness);
    }
};

Blob capsule(const Canvas& cv, V3 a, double ra, V3 b, double rb, ImU32 color) {
    return {{cv.circle(a, ra), cv.circle(b, rb)}, color};
}

// ---- Torso, legs, arms ---------------------------------------------------------------------------

void drawLegs(const Canvas& cv, const LegFrame& right, const LegFrame& left) {
    const FigureStyle& st = cv.style;
    // Shoes first: the trouser hems fall over them.
    for (const LegFrame* leg : {&right, &left}) {
        const auto at = [&](double forward, double lateral, double up) {
            return leg->ankle + leg->footForward * forward + leg->footLateral * lateral + leg->footUp * up;
        };
        const Blob shoe{{cv.circle(at(0.2, 0.0, -0.2), 1.8), cv.circle(at(-1.0, 0.0, -1.8), 1.7),
                         cv.circle(at(4.8, 1.3, -2.1), 1.4), cv.circle(at(4.8, -1.3, -2.1), 1.4),
                         cv.circle(at(6.6, -0.3, -2.0), 1.5)},
                        st.shoes};
        cv.group({shoe});
    }
    std::vector<Blob> trousers;
    trousers.push_back({{cv.circle({-9.0, 49.0, 0}, 2.6), cv.circle({9.0, 49.0, 0}, 2.6), cv.circle({-7.8, 55.5, 0}, 3.4),
                         cv.circle({7.8, 55.5, 0}, 3.4)},
                        st.trousers});
    for (const LegFrame* leg : {&right, &left}) {
        trousers.push_back(capsule(cv, leg->hip, kThighRadiusTop, leg->knee, kKneeRadius, st.trousers));
        trousers.push_back(capsule(cv, leg->knee, kKneeRadius, leg->ankle, kAnkleRadius, st.trousers));
    }
    cv.group(trousers);
    // Inseam hint: a short ink line where the legs part.
    const ImVec2 crotch = cv.map({0.0, 57.5, 0.0});
    cv.stroke({cv.map({0.0, 52.0, 0.0}), crotch}, withAlpha(st.outline, 0.6f), cv.ink * 0.8f);
}

void drawTorso(const Canvas& cv, const Trunk& trunk, const FigurePose& pose) {
    const FigureStyle& st = cv.style;
    const double rightLift = pose.rightArm.shoulderElevation01 * kShoulderElevationMax;
    const double leftLift = pose.leftArm.shoulderElevation01 * kShoulderElevationMax;
    // Shoulders slope down from the neck; the chest tapers a little to the waist.
    const Blob shirt{{cv.circle(trunk.place({-5.0, 24.4, 0.0}), 2.2), cv.circle(trunk.place({5.0, 24.4, 0.0}), 2.2),
                      cv.circle(trunk.place({-11.2, kShoulderY + 0.6 - rightLift, 0.0}), 3.0),
                      cv.circle(trunk.place({11.2, kShoulderY + 0.6 - leftLift, 0.0}), 3.0),
                      cv.circle(trunk.place({-10.4, 32.0, 0.0}), 2.9), cv.circle(trunk.place({10.4, 32.0, 0.0}), 2.9),
                      cv.circle(trunk.place({-9.2, 45.0, 0.0}), 2.4), cv.circle(trunk.place({9.2, 45.0, 0.0}), 2.4),
                      cv.circle(trunk.place({-9.6, 50.5, 0.0}), 2.0), cv.circle(trunk.place({9.6, 50.5, 0.0}), 2.0)},
                     st.shirt};
    cv.group({shirt});

    // Neckline on the front of the chest: follows the twist, so the chest is seen to turn.
    const V3 collarCentre = trunk.place({0.0, kNeckBaseY + 0.4, kChestDepth});
    const V3 collarSide = trunk.place({1.0, kNeckBaseY + 0.4, kChestDepth}) - collarCentre;
    const V3 collarDown = trunk.place({0.0, kNeckBaseY + 1.4, kChestDepth}) - collarCentre;
    const double collarWidth = 3.3, collarDepth = 2.6;
    std::vector<ImVec2> neckline;
    for (int i = 0; i <= 16; ++i) {
        const double a = kPi * i / 16.0;
        const V3 p = collarCentre + collarSide * (collarWidth * std::cos(a)) + collarDown * (collarDepth * std::sin(a));
        neckline.push_back(cv.map(p));
    }
    // Close it upward, neck-wide, so the patch covers the shirt's top edge and joins the neck.
    std::vector<ImVec2> patch = neckline;
    const V3 topCentre = collarCentre + collarDown * -2.8;
    const double neckHalf = 0.9 * kNeckRadius;
    patch.push_back(cv.map(topCentre + collarSide * -neckHalf));
    patch.insert(patch.begin(), cv.map(topCentre + collarSide * neckHalf));
    fillConvex(cv.dl, patch, cv.col(st.skin));
    cv.stroke(neckline, mix(st.shirt, st.outline, 0.55f), cv.ink * 1.2f);
}

/// The hand's parts (palm, fingers, thumb), back to front.
struct HandPart {
    Blob blob;
    bool palm;
};

std::vector<HandPart> handParts(const Canvas& cv, const ArmFrame& f, const ArmPose& a) {
    const FigureStyle& st = cv.style;
    struct Part {
        std::vector<std::pair<V3, double>> circles;
        double depth;
        bool palm;
    };
    std::vector<Part> parts;
    const V3 palmBase = f.wrist + f.handDir * 0.9;
    const V3 knuckleMiddle = f.wrist + f.handDir * kPalmLength;
    parts.push_back({{{palmBase, 1.65}, {knuckleMiddle + f.thumbSide * 1.3, 1.2}, {knuckleMiddle - f.thumbSide * 1.3, 1.1}},
                     -1e9, true});  // the palm is filled first
    // Fingers, index (thumb side) to little; curl bends each joint toward the palm.
    constexpr std::array<double, 4> kFingerLength = {3.5, 3.9, 3.6, 2.9};
    constexpr std::array<double, 4> kFingerOffset = {1.3, 0.45, -0.42, -1.25};
    constexpr double kFingerRadius = 0.56, kFingertipRadius = 0.5;
    constexpr double kKnuckleCurlDeg = 85.0, kTipCurlDeg = 100.0;
    const double curl = a.fingerCurl01;
    for (std::size_t i = 0; i < kFingerLength.size(); ++i) {
        const V3 base = knuckleMiddle + f.thumbSide * kFingerOffset[i] - f.handDir * 0.4;
        const double c1 = curl * kKnuckleCurlDeg * kDegToRad, c2 = c1 + curl * kTipCurlDeg * kDegToRad;
        const V3 mid = base + (f.handDir * std::cos(c1) + f.palm * std::sin(c1)) * (0.55 * kFingerLength[i] + 0.4);
        const V3 tip = mid + (f.handDir * std::cos(c2) + f.palm * std::sin(c2)) * (0.45 * kFingerLength[i]);
        parts.push_back({{{base, kFingerRadius}, {mid, kFingerRadius * 0.95}, {tip, kFingertipRadius}},
                         (base.z + mid.z + tip.z) / 3.0, false});
    }
    // Thumb: out from the side of the palm, folding across it as the hand clenches.
    const V3 thumbBase = f.wrist + f.handDir * 1.2 + f.thumbSide * 1.1;
    const V3 thumbDir = normalized(f.handDir * 0.65 + f.thumbSide * (0.7 - 0.7 * curl) + f.palm * (0.2 + 0.5 * curl), f.handDir);
    const V3 thumbMid = thumbBase + thumbDir * 2.1;
    const V3 thumbTip = thumbMid + normalized(thumbDir + f.palm * (0.6 * curl) - f.thumbSide * (0.5 * curl), thumbDir) * 1.8;
    parts.push_back({{{thumbBase, 0.85}, {thumbMid, 0.68}, {thumbTip, 0.58}}, (thumbMid.z + thumbTip.z) * 0.5, false});
    std::stable_sort(parts.begin(), parts.end(), [](const Part& p, const Part& q) { return p.depth < q.depth; });

    std::vector<HandPart> out;
    for (const Part& part : parts) {
        HandPart hp{{{}, st.skin}, part.palm};
        for (const auto& [centre, radius] : part.circles) hp.blob.circles.push_back(cv.circle(centre, radius));
        out.push_back(std::move(hp));
    }
    return out;
}

void outlineHand(const Canvas& cv, const std::vector<HandPart>& parts) {
    for (const HandPart& p : parts) fillBlob(cv.dl, p.blob, cv.ink, cv.col(cv.style.outline));
}

/// Fills back to front, each finger edged in a darker skin tone: the fingers stay apart without
/// heavy lines.
void fillHand(const Canvas& cv, const std::vector<HandPart>& parts) {
    const float seam = std::max(0.75f, 0.45f * cv.ink);
    for (const HandPart& p : parts) {
        if (!p.palm) fillBlob(cv.dl, p.blob, seam, cv.col(cv.style.skinShade));
        fillBlob(cv.dl, p.blob, 0.0f, cv.col(cv.style.skin));
    }
}

void drawArm(const Canvas& cv, const ArmFrame& f, const ArmPose& a) {
    const FigureStyle& st = cv.style;
    const V3 sleeveEnd = f.shoulder + f.upperDir * (kSleeveShare * kUpperArmLength);
    // Hand outline under the arm and hand fills over it: wrist and hand share one silhouette.
    const std::vector<HandPart> hand = handParts(cv, f, a);
    outlineHand(cv, hand);
    cv.group({capsule(cv, f.shoulder, kUpperArmRadiusTop, f.elbow, kUpperArmRadiusBottom, st.skin),
              capsule(cv, f.elbow, kUpperArmRadiusBottom, f.wrist, kWristRadius, st.skin),
              capsule(cv, f.shoulder, kSleeveRadiusTop, sleeveEnd, kSleeveRadiusBottom, st.shirt)});
    // Sleeve hem: a short line across the arm where the sleeve ends.
    const ImVec2 hem = cv.map(sleeveEnd);
    const ImVec2 next = cv.map(sleeveEnd + f.upperDir);
    const ImVec2 along{next.x - hem.x, next.y - hem.y};
    const float len = std::sqrt(along.x * along.x + along.y * along.y);
    if (len > 1e-3f) {
        const ImVec2 across{-along.y / len, along.x / len};
        const float r = static_cast<float>(kSleeveRadiusBottom) * cv.scale;
        cv.stroke({{hem.x - across.x * r, hem.y - across.y * r}, {hem.x + across.x * r, hem.y + across.y * r}},
                  mix(st.shirt, st.outline, 0.5f), cv.ink);
    }

    fillHand(cv, hand);
    if (a.tremorAmplitude > 0.0 && st.tremorMotionLines) {
        // Stills cannot show motion: cartoon motion arcs either side of the hand, spread with the
        // amplitude, placed about the hand's middle position so they do not jump with the phase.
        const double sideSign = f.wrist.x > 0.0 ? 1.0 : -1.0;
        const V3 neutral = (f.wrist + f.knuckles) * 0.5 - V3{sideSign * a.tremorOffsetX * 100.0, a.tremorOffsetY * 100.0, 0.0};
        const double reach = 2.6 + a.tremorAmplitude * 100.0;  // half the hand's width plus the swing
        const float share = static_cast<float>(std::clamp(a.tremorAmplitude / kTremorAmplitude, 0.0, 1.0));
        const ImU32 lineColor = withAlpha(st.skin, 0.35f + 0.5f * share);
        for (double side : {-1.0, 1.0}) {
            for (int k = 0; k < 2; ++k) {
                const double radius = reach + 1.1 * k;
                const double halfAngle = (20.0 + 18.0 * share - 6.0 * k) * kDegToRad;
                std::vector<ImVec2> arc;
                for (int i = 0; i <= 8; ++i) {
                    const double angle = -halfAngle + 2.0 * halfAngle * i / 8.0;
                    arc.push_back(cv.map(neutral + V3{side * radius * std::cos(angle), radius * std::sin(angle), 0.0}));
                }
                cv.stroke(arc, lineColor, std::max(1.0f, 0.8f * cv.ink));
            }
        }
    }
}

// ---- Head ----------------------------------------------------------------------------------------

/// Maps points of the (rotated) unit head sphere to the screen: warp to the egg, tilt, place.
struct HeadCanvas {
    const Canvas& cv;
    HeadFrame frame;
    V3 centre;
    double ryBottom;

    double chinShift = 0.0;  ///< x of the face direction: the jaw swings toward where the face looks

    ImVec2 project(V3 rotated) const {
        // Below the middle the head narrows to the jaw, and the jaw follows the face when it turns.
        const double lower = rotated.y > 0.0 ? rotated.y * rotated.y : 0.0;
        const double jawCentre = kJawFollow * chinShift * lower;
        const double x = jawCentre + (rotated.x - jawCentre) * (1.0 - kJawTaper * lower);
        const V3 local{x * kHeadRx, rotated.y * (rotated.y < 0.0 ? kHeadRyTop : ryBottom), 0.0};
        return cv.map(centre + rotZ(local, frame.roll));
    }
    /// A point of the head frame (unit sphere = skull surface), rotated; z > 0 faces the viewer.
    V3 rotated(V3 headPoint) const { return frame.rotateNoRoll(headPoint); }

    static V3 onSphere(double azDeg, double elDeg) {
        const double az = azDeg * kDegToRad, el = elDeg * kDegToRad;
        return {std::cos(el) * std::sin(az), -std::sin(el), std::cos(el) * std::cos(az)};
    }
    /// A feature point at (az, el) offset (u right, v up) in the skin's tangent plane.
    V3 feature(double azDeg, double elDeg, double u, double v, double radius = 1.0) const {
        const double az = azDeg * kDegToRad, el = elDeg * kDegToRad;
        const V3 tangentAz{std::cos(az), 0.0, -std::sin(az)};
        const V3 tangentEl{-std::sin(el) * std::sin(az), -std::cos(el), -std::sin(el) * std::cos(az)};
        return rotated(onSphere(azDeg, elDeg) * radius + tangentAz * u + tangentEl * v);
    }
    /// Features fade out as they turn toward the outline (z from 0.5 down to 0.25), so none hangs over it.
    static float facing(V3 rotatedPoint) { return static_cast<float>(std::clamp((rotatedPoint.z - 0.25) / 0.25, 0.0, 1.0)); }
};

/// Hairline elevation (degrees) by azimuth: high over the forehead, down to the ears and the nape.
double hairlineElevationDeg(double azDeg) {
    const double a = std::fabs(azDeg);
    constexpr double kForehead = 36.0, kTemple = 6.0, kNape = -65.0, kTempleAzDeg = 95.0;
    if (a <= kTempleAzDeg) {
        const double r = a / kTempleAzDeg;
        return kForehead + (kTemple - kForehead) * r * r;  // a soft arch over the forehead
    }
    return kTemple + (kNape - kTemple) * (a - kTempleAzDeg) / (180.0 - kTempleAzDeg);
}

void drawHair(const HeadCanvas& hc) {
    // Sample the hairline loop; keep its visible run, then close it over the crown along the outline.
    constexpr int kSamples = 120;
    std::vector<V3> loop(kSamples);
    for (int i = 0; i < kSamples; ++i) {
        const double az = -180.0 + 360.0 * i / kSamples;
        loop[static_cast<std::size_t>(i)] = hc.rotated(HeadCanvas::onSphere(az, hairlineElevationDeg(az)));
    }
    int start = -1;  // first visible sample after a hidden one
    for (int i = 0; i < kSamples; ++i) {
        if (loop[static_cast<std::size_t>(i)].z >= 0.0 && loop[static_cast<std::size_t>((i + kSamples - 1) % kSamples)].z < 0.0) {
            start = i;
            break;
        }
    }
    if (start < 0) return;  // hairline entirely hidden or entirely visible: outside the poses we make
    const auto onRim = [](V3 a, V3 b) {  // where segment a (hidden) -> b (visible) crosses z = 0
        const double t = a.z / (a.z - b.z);
        const V3 p = a + (b - a) * t;
        const double n = std::max(1e-9, std::sqrt(p.x * p.x + p.y * p.y));
        return V3{p.x / n, p.y / n, 0.0};
    };
    std::vector<V3> outline;
    outline.push_back(onRim(loop[static_cast<std::size_t>((start + kSamples - 1) % kSamples)], loop[static_cast<std::size_t>(start)]));
    int i = start;
    for (int count = 0; count < kSamples && loop[static_cast<std::size_t>(i)].z >= 0.0; ++count) {
        outline.push_back(loop[static_cast<std::size_t>(i)]);
        i = (i + 1) % kSamples;
    }
    outline.push_back(onRim(loop[static_cast<std::size_t>(i)], loop[static_cast<std::size_t>((i + kSamples - 1) % kSamples)]));

    // Back along the silhouette from the run's end to its start, the way that passes over hair.
    const V3 from = outline.back(), to = outline.front();
    const double a0 = std::atan2(from.y, from.x), a1 = std::atan2(to.y, to.x);
    double ccw = a1 - a0;
    while (ccw <= 0.0) ccw += 2.0 * kPi;
    const auto isHair = [&](double angle) {
        // Rim point back in the head frame: inverse of rotateNoRoll.
        const V3 view{std::cos(angle), std::sin(angle), 0.0};
        const V3 head = rotX(rotY(view, -hc.frame.yaw), -hc.frame.pitch);
        const double el = std::asin(std::clamp(-head.y, -1.0, 1.0)) / kDegToRad;
        const double az = std::atan2(head.x, head.z) / kDegToRad;
        return el > hairlineElevationDeg(az);
    };
    const double sweep = isHair(a0 + 0.5 * ccw) ? ccw : ccw - 2.0 * kPi;
    constexpr int kArcSteps = 40;
    for (int k = 1; k < kArcSteps; ++k) {
        const double t = static_cast<double>(k) / kArcSteps;
        const double r = 1.0 + kHairVolume * std::pow(std::sin(kPi * t), 0.5);
        outline.push_back({r * std::cos(a0 + sweep * t), r * std::sin(a0 + sweep * t), 0.0});
    }
    std::vector<ImVec2> points;
    points.reserve(outline.size());
    for (const V3& p : outline) points.push_back(hc.project(p));
    fillConcave(hc.cv.dl, points, hc.cv.col(hc.cv.style.hair));
    hc.cv.stroke(points, hc.cv.style.outline, hc.cv.ink, true);
}

void drawEar(const HeadCanvas& hc, double sideSign) {
    constexpr float kEarInk = 0.8f;  // a lighter line than the body's: the ear is a detail
    constexpr double kAzDeg = 92.0, kElDeg = -8.0, kLength = 0.27, kHeight = 0.4;
    const V3 attach = HeadCanvas::onSphere(sideSign * kAzDeg, kElDeg);
    const V3 out = normalized(attach * 0.55 + V3{0, 0, -0.45}, attach);  // ears angle back from the head
    std::vector<ImVec2> points;
    for (int i = 0; i < 20; ++i) {
        const double a = 2.0 * kPi * i / 20.0;
        const V3 p = attach + out * (kLength * (0.45 + 0.5 * std::cos(a))) + V3{0, -1, 0} * (0.5 * kHeight * std::sin(a));
        points.push_back(hc.project(hc.rotated(p)));
    }
    const std::vector<ImVec2> hull = convexHull(points);
    const Canvas& cv = hc.cv;
    // Outline by a slightly larger copy: grow each point away from the centroid.
    ImVec2 c{0, 0};
    for (const ImVec2& p : hull) c = {c.x + p.x / hull.size(), c.y + p.y / hull.size()};
    std::vector<ImVec2> grown;
    for (const ImVec2& p : hull) {
        const ImVec2 d{p.x - c.x, p.y - c.y};
        const float n = std::max(1e-3f, std::sqrt(d.x * d.x + d.y * d.y));
        grown.push_back({p.x + d.x / n * kEarInk * cv.ink, p.y + d.y / n * kEarInk * cv.ink});
    }
    fillConvex(cv.dl, grown, cv.col(cv.style.outline));
    fillConvex(cv.dl, hull, cv.col(cv.style.skin));
    // Inner fold, where the ear faces the viewer enough to show it.
    std::vector<ImVec2> fold;
    for (int i = 0; i <= 8; ++i) {
        const double a = -0.5 * kPi + kPi * i / 8.0;
        const V3 p = attach + out * (kLength * (0.45 + 0.3 * std::cos(a))) + V3{0, -1, 0} * (0.3 * kHeight * std::sin(a));
        fold.push_back(hc.project(hc.rotated(p)));
    }
    cv.stroke(fold, cv.style.skinShade, std::max(1.0f, cv.ink * 0.8f));
}

void drawEye(const HeadCanvas& hc, double sideSign, const FigurePose& pose) {
    const Canvas& cv = hc.cv;
    const FigureStyle& st = cv.style;
    constexpr double kAzDeg = 22.0, kElDeg = -4.0;
    constexpr double kHalfWidth = 0.17, kUpper = 0.115, kLower = 0.075;
    constexpr double kIrisRadius = 0.085, kPupilRadius = 0.042;
    const double az = sideSign * kAzDeg;
    const float fade = HeadCanvas::facing(hc.feature(az, kElDeg, 0, 0));
    if (fade <= 0.0f) return;
    const double closure = pose.eyelidClosure01;
    constexpr int kSteps = 14;
    const auto shape = [](double u, double power) { return std::pow(std::max(0.0, 1.0 - u * u), power); };
    const auto closedLine = [&](double u) { return -0.35 * kLower * shape(u, 0.8); };
    const auto upper = [&](double u) { return kUpper * shape(u, 0.7) * (1.0 - closure) + closure * closedLine(u); };
    const auto lower = [&](double u) { return -kLower * shape(u, 0.8) * (1.0 - closure) + closure * closedLine(u); };
    const auto at = [&](double u, double v) { return hc.project(hc.feature(az, kElDeg, u, v)); };

    Canvas faded = cv;
    faded.alpha = cv.alpha * fade;
    std::vector<ImVec2> upperLine, opening;
    for (int i = 0; i <= kSteps; ++i) {
        const double u = -1.0 + 2.0 * i / kSteps;
        upperLine.push_back(at(u * kHalfWidth, upper(u)));
    }
    if (closure < 0.97) {
        opening = upperLine;
        for (int i = kSteps - 1; i > 0; --i) {
            const double u = -1.0 + 2.0 * i / kSteps;
            opening.push_back(at(u * kHalfWidth, lower(u)));
        }
        fillConvex(cv.dl, opening, faded.col(IM_COL32(250, 250, 248, 255)));
        // Iris and pupil, cut to the lid opening.
        for (const auto& [radius, color] : {std::pair{kIrisRadius, st.iris}, std::pair{kPupilRadius, IM_COL32(20, 24, 28, 255)}}) {
            std::vector<ImVec2> disc;
            for (int i = 0; i < 20; ++i) {
                const double a = 2.0 * kPi * i / 20.0;
                const double u = radius * std::cos(a), v = radius * std::sin(a) + 0.005;
                const double un = std::clamp(u / kHalfWidth, -1.0, 1.0);
                disc.push_back(at(u, std::clamp(v, lower(un), upper(un))));
            }
            fillConvex(cv.dl, disc, faded.col(color));
        }
        if (closure < 0.5) {
            const ImVec2 glint = at(0.03, 0.035);
            cv.dl->AddCircleFilled(glint, std::max(0.6f, 0.012f * cv.scale * static_cast<float>(kHeadRx)), faded.col(IM_COL32(255, 255, 255, 230)));
        }
    }
    // Lash line: heavier as the lid closes, so a shut eye still reads as an eye.
    faded.stroke(upperLine, st.outline, cv.ink * static_cast<float>(1.0 + 0.6 * closure));
    if (closure < 0.97) {
        std::vector<ImVec2> lowerLine;
        for (int i = 2; i <= kSteps - 2; ++i) {
            const double u = -1.0 + 2.0 * i / kSteps;
            lowerLine.push_back(at(u * kHalfWidth, lower(u)));
        }
        faded.stroke(lowerLine, withAlpha(st.skinShade, 0.9f), std::max(1.0f, cv.ink * 0.6f));
    }
    // Squeeze creases at the outer corner (blepharospasm closes the eyes forcefully).
    const double squeeze = pose.browLower01;
    if (squeeze > 0.25) {
        Canvas creases = faded;
        creases.alpha *= static_cast<float>(std::min(1.0, (squeeze - 0.25) / 0.5));
        const double outer = sideSign;  // the outer corner is away from the midline
        for (int k = -1; k <= 1; ++k) {
            const double v0 = 0.04 * k;
            creases.stroke({at(outer * (kHalfWidth + 0.03), v0 * 0.5), at(outer * (kHalfWidth + 0.10), v0 * 1.6)},
                           st.skinShade, std::max(1.0f, cv.ink * 0.7f));
        }
    }
    // Brow: lowered and drawn in by the squeeze.
    std::vector<ImVec2> brow;
    for (int i = 0; i <= 8; ++i) {
        const double u = -1.0 + 2.0 * i / 8.0;
        const double inner = std::max(0.0, -sideSign * u);  // 0 at the outer end, 1 at the inner end
        const double v = 0.2 + 0.035 * shape(u, 1.0) - squeeze * (0.06 + 0.06 * inner);
        brow.push_back(at(u * 0.19 - sideSign * squeeze * 0.02, v));
    }
    faded.stroke(brow, st.hair, std::max(1.2f, 0.045f * cv.scale * static_cast<float>(kHeadRx)));
}

void drawMouth(const HeadCanvas& hc, const FigurePose& pose) {
    const Canvas& cv = hc.cv;
    const FigureStyle& st = cv.style;
    constexpr double kElDeg = -42.0, kHalfWidth = 0.2;
    const float fade = HeadCanvas::facing(hc.feature(0.0, kElDeg, 0, 0));
    if (fade <= 0.0f) return;
    Canvas faded = cv;
    faded.alpha = cv.alpha * fade;
    const auto at = [&](double u, double v) { return hc.project(hc.feature(0.0, kElDeg, u, v)); };
    const double jaw = pose.jawOpen01;
    constexpr int kSteps = 16;
    const float lipWidth = std::max(1.2f, 0.05f * cv.scale * static_cast<float>(kHeadRx));
    if (jaw < 0.05) {
        std::vector<ImVec2> smile;  // a gentle, friendly line
        for (int i = 0; i <= kSteps; ++i) {
            const double u = -1.0 + 2.0 * i / kSteps;
            smile.push_back(at(u * kHalfWidth, -0.035 * (1.0 - u * u)));
        }
        faded.stroke(smile, st.lips, lipWidth);
        return;
    }
    // Open: the mouth narrows into an oval as the jaw drops; upper teeth show under the lip.
    const double halfWidth = kHalfWidth * (1.0 - 0.3 * jaw);
    const double depth = 0.04 + 0.32 * jaw;
    const auto top = [&](double u) { return 0.01 * (1.0 - u * u); };
    const auto bottom = [&](double u) { return -depth * std::pow(std::max(0.0, 1.0 - u * u), 0.6); };
    std::vector<ImVec2> opening, teeth;
    for (int i = 0; i <= kSteps; ++i) {
        const double u = -1.0 + 2.0 * i / kSteps;
        opening.push_back(at(u * halfWidth, top(u)));
    }
    for (int i = kSteps - 1; i > 0; --i) {
        const double u = -1.0 + 2.0 * i / kSteps;
        opening.push_back(at(u * halfWidth, bottom(u)));
    }
    fillConvex(cv.dl, opening, faded.col(st.mouthInside));
    const double teethDepth = std::min(0.05, 0.5 * depth);
    for (int i = 2; i <= kSteps - 2; ++i) {
        const double u = -1.0 + 2.0 * i / kSteps;
        teeth.push_back(at(u * halfWidth, top(u) - 0.005));
    }
    for (int i = kSteps - 2; i >= 2; --i) {
        const double u = -1.0 + 2.0 * i / kSteps;
        teeth.push_back(at(u * halfWidth, std::max(bottom(u), top(u) - teethDepth)));
    }
    fillConvex(cv.dl, teeth, faded.col(IM_COL32(248, 246, 240, 255)));
    faded.stroke(opening, st.lips, lipWidth * 0.9f, true);
}

void drawNose(const HeadCanvas& hc) {
    const Canvas& cv = hc.cv;
    constexpr double kElDeg = -20.0, kProtrusion = 1.08;
    const V3 tip = hc.feature(0.0, kElDeg, 0, 0, kProtrusion);
    // Turned toward profile: the nose's side line (bridge, tip, under the tip), as a 3/4 view is drawn.
    const float profile = static_cast<float>(std::clamp((std::fabs(tip.x) - 0.3) / 0.3, 0.0, 1.0));
    if (profile > 0.0f) {
        std::vector<ImVec2> line;
        for (const V3& p : {HeadCanvas::onSphere(0.0, -6.0) * 1.02, HeadCanvas::onSphere(0.0, -19.0) * 1.1,
                            HeadCanvas::onSphere(0.0, -23.0) * 1.07, HeadCanvas::onSphere(0.0, -26.0) * 1.0})
            line.push_back(hc.project(hc.rotated(p)));
        cv.stroke(line, withAlpha(mix(cv.style.skinShade, cv.style.outline, 0.35f), profile), std::max(1.0f, cv.ink * 0.9f));
    }
    const float fade = HeadCanvas::facing(tip);
    if (fade <= 0.0f) return;
    Canvas faded = cv;
    faded.alpha = cv.alpha * fade;
    std::vector<ImVec2> curve;
    for (int i = 0; i <= 8; ++i) {
        const double u = -1.0 + 2.0 * i / 8.0;
        curve.push_back(hc.project(hc.feature(0.0, kElDeg, u * 0.07, -0.03 * (1.0 - u * u), kProtrusion)));
    }
    faded.stroke(curve, cv.style.skinShade, std::max(1.0f, cv.ink * 1.1f));
}

void drawHead(const Canvas& cv, const FigurePose& pose, V3 centre) {
    const FigureStyle& st = cv.style;
    const double pitch = pose.headPitchDeg * kDegToRad;
    const double ryBottom = kHeadRyBottom * (1.0 + kJawDropShare * pose.jawOpen01) *
                            (1.0 - kChinLiftShare * std::max(0.0, std::sin(pitch)));
    HeadCanvas hc{cv, headFrameFor(pose), centre, ryBottom};
    hc.chinShift = hc.rotated({0.0, 0.0, 1.0}).x;

    // Ears turned away sit behind the skull; one turned toward us is drawn over it.
    std::array<bool, 2> earFront{};
    for (int i = 0; i < 2; ++i) {
        const double side = i == 0 ? kRightSign : kLeftSign;
        earFront[static_cast<std::size_t>(i)] = hc.rotated(HeadCanvas::onSphere(side * 92.0, -8.0)).z > 0.3;
        if (!earFront[static_cast<std::size_t>(i)]) drawEar(hc, side);
    }
    std::vector<ImVec2> skull;
    for (int i = 0; i < 48; ++i) {
        const double a = 2.0 * kPi * i / 48.0;
        skull.push_back(hc.project({std::cos(a), std::sin(a), 0.0}));
    }
    // Outline: the egg drawn a little larger in ink (it is convex, so growing from the centre is exact enough).
    const ImVec2 c = hc.project({0, 0, 0});
    std::vector<ImVec2> grown;
    for (const ImVec2& p : skull) {
        const ImVec2 d{p.x - c.x, p.y - c.y};
        const float n = std::max(1e-3f, std::sqrt(d.x * d.x + d.y * d.y));
        grown.push_back({p.x + d.x / n * cv.ink, p.y + d.y / n * cv.ink});
    }
    fillConvex(cv.dl, grown, cv.col(st.outline));
    fillConvex(cv.dl, skull, cv.col(st.skin));

    // Cheeks: a soft blush, friendly rather than clinical.
    for (double side : {kRightSign, kLeftSign}) {
        const V3 cheek = hc.feature(side * 36.0, -26.0, 0, 0);
        const float fade = HeadCanvas::facing(cheek);
        if (fade <= 0.0f) continue;
        std::vector<ImVec2> blush;
        for (int i = 0; i < 16; ++i) {
            const double a = 2.0 * kPi * i / 16.0;
            blush.push_back(hc.project(hc.feature(side * 36.0, -26.0, 0.11 * std::cos(a), 0.07 * std::sin(a))));
        }
        fillConvex(cv.dl, blush, cv.col(withAlpha(st.cheeks, fade)));
    }
    drawHair(hc);
    drawNose(hc);
    drawEye(hc, kRightSign, pose);
    drawEye(hc, kLeftSign, pose);
    drawMouth(hc, pose);
    // Frown lines between the brows when the eyes are squeezed shut.
    const float frown = static_cast<float>(std::clamp((pose.browLower01 - 0.25) / 0.5, 0.0, 1.0));
    if (frown > 0.0f) {
        for (double side : {-1.0, 1.0}) {
            const V3 top = hc.feature(side * 4.0, 14.0, 0, 0), bottom = hc.feature(side * 3.0, 8.0, 0, 0);
            Canvas faded = cv;
            faded.alpha = cv.alpha * frown * HeadCanvas::facing(top);
            faded.stroke({hc.project(top), hc.project(bottom)}, st.skinShade, std::max(1.0f, cv.ink * 0.8f));
        }
    }
    for (int i = 0; i < 2; ++i) {
        if (earFront[static_cast<std::size_t>(i)]) drawEar(hc, i == 0 ? kRightSign : kLeftSign);
    }
}

}  // namespace

void drawPatientFigure(ImDrawList* drawList, ImVec2 topLeft, ImVec2 size, const FigurePose& pose, const FigureStyle& style) {
    if (drawList == nullptr || size.x <= 1.0f || size.y <= 1.0f) return;
    const float scale = std::min(size.x / static_cast<float>(2.0 * kBoxHalfWidth),
                                 size.y / static_cast<float>(kBoxBottom - kBoxTop));
    const float ink = std::max(kMinInkPx, kInkUnits * scale) * style.outlineScale;
    const ImVec2 origin{topLeft.x + 0.5f * size.x,
                        topLeft.y + 0.5f * (size.y - scale * static_cast<float>(kBoxBottom - kBoxTop)) - scale * static_cast<float>(kBoxTop)};
    const Canvas cv{drawList, origin, scale, ink, style};
    drawList->PushClipRect(topLeft, {topLeft.x + size.x, topLeft.y + size.y}, true);

    const Trunk trunk{pose.trunkTwistDeg * kDegToRad, pose.trunkBendDeg * kDegToRad};
    const LegFrame rightLeg = legFrame(pose.rightLeg, kRightSign);
    const LegFrame leftLeg = legFrame(pose.leftLeg, kLeftSign);
    const ArmFrame rightArm = armFrame(pose.rightArm, kRightSign, trunk);
    const ArmFrame leftArm = armFrame(pose.leftArm, kLeftSign, trunk);
    const NeckAndHead nh = neckAndHead(pose, trunk);

    if (style.groundShadow) {
        const float halfWidth = 15.0f * scale, halfHeight = 1.8f * scale;
        fillConvex(drawList, ellipsePoints(cv.map({0.0, kGroundY, 0.0}), halfWidth, halfHeight, 40), style.shadow);
    }
    // An arm swung behind the twisted trunk goes behind it; otherwise arms are in front.
    constexpr double kBehindDepth = -2.5;
    const auto behind = [](const ArmFrame& f) { return (f.shoulder.z + f.elbow.z + f.wrist.z) / 3.0 < kBehindDepth; };
    if (behind(rightArm)) drawArm(cv, rightArm, pose.rightArm);
    if (behind(leftArm)) drawArm(cv, leftArm, pose.leftArm);
    drawLegs(cv, rightLeg, leftLeg);
    cv.group({capsule(cv, nh.neckBase, kNeckRadius, nh.neckTop, kNeckRadius * 0.95, style.skin)});
    drawTorso(cv, trunk, pose);
    drawHead(cv, pose, nh.headCentre);
    if (!behind(rightArm)) drawArm(cv, rightArm, pose.rightArm);
    if (!behind(leftArm)) drawArm(cv, leftArm, pose.leftArm);
    drawList->PopClipRect();
}

}  // namespace dbsprog::gui
