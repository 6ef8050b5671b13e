#pragma once
/// Colours of the 3D view, shared with the GUI's legend so the two always agree.
/// Polarity follows the convention most programming software and DBS figures use: the cathode
/// (the stimulating "-" contact) red, the anode ("+") blue; an unused contact keeps the silver of
/// platinum-iridium, clearly lighter than the darker insulating shaft.
#include <Eigen/Core>

namespace dbsprog::render::palette {

inline const Eigen::Vector3f kCathode{0.90f, 0.17f, 0.14f};
inline const Eigen::Vector3f kAnode{0.16f, 0.42f, 0.95f};
inline const Eigen::Vector3f kContactOff{0.80f, 0.81f, 0.84f};
inline const Eigen::Vector3f kShaft{0.30f, 0.33f, 0.38f};
inline const Eigen::Vector3f kMarker{0.93f, 0.74f, 0.26f};  ///< orientation marker and the +x axis

inline const Eigen::Vector3f kBackgroundTop{0.17f, 0.19f, 0.23f};
inline const Eigen::Vector3f kBackgroundBottom{0.06f, 0.07f, 0.08f};
inline const Eigen::Vector4f kGridMinor{0.60f, 0.66f, 0.72f, 0.16f};
inline const Eigen::Vector4f kGridMajor{0.60f, 0.66f, 0.72f, 0.34f};
inline const Eigen::Vector4f kAxisX{0.93f, 0.74f, 0.26f, 0.95f};
inline const Eigen::Vector4f kAxisY{0.55f, 0.80f, 0.45f, 0.80f};

}  // namespace dbsprog::render::palette
