#pragma once
/// The patient figure: a front-view illustration whose posture shows each body region's contraction.
/// poseFor() turns the core's per-region severities into joint angles (pure and deterministic);
/// skeletonFor() places the joints; drawPatientFigure() draws a pose into an ImGui draw list.
/// Nothing here simulates: the severities come from the core.
///
/// Figure frame: units of 1/100 of the standing height; x to the viewer's right (the patient's
/// left, since the patient faces us), y down, z toward the viewer. Joint angles are anatomical and
/// named for the patient's sides.
#include <imgui.h>

#include <string>
#include <vector>

namespace dbsprog::gui {

/// One body region as the core reports it.
struct FigureRegion {
    /// "head-turn", "head-tilt", "head-pull", "trunk-twist", "arm-twist", "leg-twist",
    /// "eyelid-close", "jaw-open", "hand-cramp", "hand-tremor"; anything else is ignored.
    std::string movement;
    double severity01 = 0.0;  ///< contraction severity, 0..1 (the core's percent / 100); clamped
    /// Limbs and hands: the limb's side, "right" or "left". head-turn, head-tilt, trunk-twist: the
    /// side the head or trunk turns or tilts toward. head-pull: "back" (retrocollis) or "forward"
    /// (anterocollis). Empty: "right" (limbs, turns) or "back" (head-pull).
    std::string side;
};

/// The side a region id or name implies: "right-arm" -> "right", "neck (head pulls back)" -> "back",
/// "neck (pulls forward)" -> "forward"; "" when the text names none.
std::string sideFromText(const std::string& idOrName);

struct ArmPose {
    double shoulderAbductionDeg = 0.0;        ///< upper arm away from the body, in the frontal plane
    double shoulderFlexionDeg = 0.0;          ///< upper arm forward
    double shoulderInternalRotationDeg = 0.0; ///< the bent forearm swings across the body
    double shoulderElevation01 = 0.0;         ///< shrug, 0..1
    double elbowFlexionDeg = 0.0;
    double forearmPronationDeg = 0.0;         ///< 0: thumb forward, palm to the thigh; + palm back/down
    double wristFlexionDeg = 0.0;             ///< + toward the palm
    double fingerCurl01 = 0.0;                ///< 0 straight, 1 fist
    /// Tremor: present offset of the hand, fraction of the figure height (x lateral, y down), its
    /// peak amplitude, and the rotation it adds to the forearm (pill-rolling).
    double tremorOffsetX = 0.0;
    double tremorOffsetY = 0.0;
    double tremorAmplitude = 0.0;
    double tremorRotationDeg = 0.0;
};

struct LegPose {
    double hipAbductionDeg = 0.0;
    double hipInternalRotationDeg = 0.0;  ///< + toes turn in; the rest pose turns them slightly out
    double kneeFlexionDeg = 0.0;
    double ankleInversionDeg = 0.0;       ///< sole turns toward the other foot
    double anklePlantarFlexionDeg = 0.0;  ///< toes point down
};

struct FigurePose {
    double headYawDeg = 0.0;    ///< + chin turns to the patient's right (torticollis)
    double headRollDeg = 0.0;   ///< + right ear toward the right shoulder (laterocollis)
    double headPitchDeg = 0.0;  ///< + chin up (retrocollis), - chin down (anterocollis)
    double trunkTwistDeg = 0.0; ///< + chest turns to the patient's right
    double trunkBendDeg = 0.0;  ///< + leans to the patient's right
    ArmPose rightArm, leftArm;
    LegPose rightLeg, leftLeg;
    double eyelidClosure01 = 0.0;  ///< 0 open, 1 shut
    double browLower01 = 0.0;      ///< squeeze: brows drawn down and in
    double jawOpen01 = 0.0;        ///< 0 closed, 1 wide open
};

/// The figure's posture for the given regions at `animationTimeS`: the rest pose plus, per region,
/// a dystonic excursion proportional to its severity, modulated by a slow irregular drift (phasic
/// dystonic movement, at most kDriftShare of the excursion so the pose stays monotonic in severity);
/// hand tremor oscillates at kTremorFrequencyHz with amplitude proportional to severity. The same
/// inputs give the same pose. At severity 0 the figure stands upright and left-right symmetric.
FigurePose poseFor(const std::vector<FigureRegion>& regions, double animationTimeS);

/// Tremor frequency of the figure's hand, Hz (parkinsonian rest and essential tremor: 4-8 Hz).
inline constexpr double kTremorFrequencyHz = 5.0;
/// The drift changes each excursion by at most this fraction.
inline constexpr double kDriftShare = 0.2;

/// A point of the figure frame (see the file comment).
struct FigurePoint {
    double x = 0.0, y = 0.0, z = 0.0;
};

struct ArmJoints {
    FigurePoint shoulder, elbow, wrist, knuckles;
};
struct LegJoints {
    FigurePoint hip, knee, ankle, toes;
};

/// Joint positions of a pose: what the drawing uses, exposed for tests and hit testing.
struct FigureSkeleton {
    FigurePoint pelvis, neckBase, neckTop, headCentre;
    FigurePoint faceDirection;  ///< unit vector the face looks along; (0, 0, 1) at rest
    FigurePoint headUp;         ///< unit vector from chin to crown; (0, -1, 0) at rest
    ArmJoints rightArm, leftArm;
    LegJoints rightLeg, leftLeg;
};

FigureSkeleton skeletonFor(const FigurePose& pose);

struct FigureStyle {
    ImU32 skin = IM_COL32(242, 206, 178, 255);
    ImU32 skinShade = IM_COL32(214, 166, 140, 255);  ///< nose, ear detail
    ImU32 hair = IM_COL32(96, 66, 48, 255);
    ImU32 shirt = IM_COL32(80, 148, 170, 255);
    ImU32 trousers = IM_COL32(74, 84, 108, 255);
    ImU32 shoes = IM_COL32(112, 88, 76, 255);
    ImU32 outline = IM_COL32(22, 26, 32, 255);
    ImU32 iris = IM_COL32(70, 106, 128, 255);
    ImU32 lips = IM_COL32(170, 92, 86, 255);
    ImU32 mouthInside = IM_COL32(92, 34, 38, 255);
    ImU32 cheeks = IM_COL32(240, 150, 140, 70);
    ImU32 shadow = IM_COL32(0, 0, 0, 70);
    float outlineScale = 1.0f;  ///< multiplies the ink line width
    bool groundShadow = true;
    bool tremorMotionLines = true;  ///< motion arcs beside a trembling hand (tremor reads in stills)
};

/// Draws the figure for `pose`, scaled to fit `size` (aspect kept, centred, feet on a common ground
/// line so the figure does not jump as it moves). Readable from about 150 px tall upward.
void drawPatientFigure(ImDrawList* drawList, ImVec2 topLeft, ImVec2 size, const FigurePose& pose,
                       const FigureStyle& style = {});

/// The width:height ratio of the figure's box, for sizing the rectangle the caller gives.
inline constexpr float kFigureAspect = 0.59f;

}  // namespace dbsprog::gui
