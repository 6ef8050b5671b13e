#include "dbsprog/field/detail/gauss_legendre.hpp"

#include <array>
#include <cassert>
#include <cmath>

namespace dbsprog::field::detail {

namespace {

constexpr int kMaxOrder = 64;
constexpr double kPi = 3.14159265358979323846;

GaussRule computeRule(int n) {
    GaussRule rule;
    rule.nodes.resize(n);
    rule.weights.resize(n);
    for (int i = 0; i < (n + 1) / 2; ++i) {
        // Newton's method on P_n from the Chebyshev-like first guess (Numerical Recipes gauleg).
        double x = std::cos(kPi * (i + 0.75) / (n + 0.5));
        double dp = 0.0;
        for (int iter = 0; iter < 100; ++iter) {
            double p0 = 1.0, p1 = x;
            for (int k = 2; k <= n; ++k) {
                const double pk = ((2.0 * k - 1.0) * x * p1 - (k - 1.0) * p0) / k;
                p0 = p1;
                p1 = pk;
            }
            dp = n * (x * p1 - p0) / (x * x - 1.0);
            const double dx = p1 / dp;
            x -= dx;
            if (std::fabs(dx) < 1e-16) break;
        }
        const double w = 2.0 / ((1.0 - x * x) * dp * dp);
        rule.nodes[i] = -x;
        rule.nodes[n - 1 - i] = x;
        rule.weights[i] = w;
        rule.weights[n - 1 - i] = w;
    }
    if (n % 2 == 1) rule.nodes[n / 2] = 0.0;
    return rule;
}

}  // namespace

const GaussRule& gaussLegendre(int n) {
    assert(n >= 1 && n <= kMaxOrder);
    static const std::array<GaussRule, kMaxOrder + 1> rules = [] {
        std::array<GaussRule, kMaxOrder + 1> r;
        for (int k = 1; k <= kMaxOrder; ++k) r[k] = computeRule(k);
        return r;
    }();
    return rules[n];
}

}  // namespace dbsprog::field::detail
