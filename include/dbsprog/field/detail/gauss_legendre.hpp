#pragma once
/// Gauss-Legendre rules on [-1, 1] (internal to field/).
#include <vector>

namespace dbsprog::field::detail {

struct GaussRule {
    std::vector<double> nodes;    ///< in (-1, 1), ascending
    std::vector<double> weights;  ///< sum to 2
};

/// The n-point rule (1 <= n <= 64), computed once by Newton's method on P_n and then shared.
const GaussRule& gaussLegendre(int n);

}  // namespace dbsprog::field::detail
