#include "dbsprog/tissue/axon.hpp"

#include <algorithm>
#include <cassert>

namespace dbsprog::tissue {

double pathLengthMm(const std::vector<Eigen::Vector3d>& pathMm) {
    double len = 0.0;
    for (size_t i = 1; i < pathMm.size(); ++i) len += (pathMm[i] - pathMm[i - 1]).norm();
    return len;
}

std::vector<Eigen::Vector3d> sampleNodes(const std::vector<Eigen::Vector3d>& pathMm, double internodeMm) {
    assert(!pathMm.empty() && internodeMm > 0.0);
    std::vector<Eigen::Vector3d> nodes{pathMm.front()};
    double carriedMm = 0.0;  // arc length walked since the last node
    for (size_t i = 1; i < pathMm.size(); ++i) {
        const Eigen::Vector3d seg = pathMm[i] - pathMm[i - 1];
        const double segLen = seg.norm();
        if (segLen == 0.0) continue;
        // Count the nodes in this segment from its start so rounding does not accumulate.
        double s = internodeMm - carriedMm;
        // Tolerance: a node that falls within 1e-9 mm of the segment end belongs to it.
        for (; s <= segLen + 1e-9; s += internodeMm) nodes.push_back(pathMm[i - 1] + seg * (std::min(s, segLen) / segLen));
        carriedMm = segLen - (s - internodeMm);
    }
    return nodes;
}

}  // namespace dbsprog::tissue
