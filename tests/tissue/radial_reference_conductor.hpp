#pragma once
// A test conductor that reproduces the finite-element reference exactly in the plane of contact 1 of a
// 3389 lead: the potential for +1 mA on contact 1 is -phi_FEM(r) (the file is for -1 mA), where r is the
// distance from the lead axis. Valid for points in the plane z = 4.25 mm, where the reference axon lies;
// used to test the axon models on the reference field alone, independent of dbsprog's field solvers.
#include <Eigen/Core>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "dbsprog/device/catalog.hpp"
#include "dbsprog/field/volume_conductor.hpp"

namespace dbsprog::testref {

/// Reference radial profile: r (mm), potential (V, infinite domain) and |E| (V/mm) for -1 mA.
struct RadialProfile {
    std::vector<double> rMm, potentialV, fieldVPerMm;

    static RadialProfile load(const std::string& path) {
        std::ifstream in(path);
        if (!in) throw std::runtime_error("cannot read " + path);
        RadialProfile p;
        std::string line;
        std::getline(in, line);
        while (std::getline(in, line)) {
            std::vector<double> v;
            std::stringstream ss(line);
            for (std::string cell; std::getline(ss, cell, ',');) v.push_back(std::stod(cell));
            p.rMm.push_back(v.at(0));
            p.potentialV.push_back(v.at(4));
            p.fieldVPerMm.push_back(v.at(5));
        }
        return p;
    }

    // Interpolation of log|value| against log r (both nearly straight lines), natural cubic spline
    // through the tabulated points; beyond the last point the far-field power law.
    static double interpolate(const std::vector<double>& r, const std::vector<double>& value, double at, double tailPower) {
        const size_t n = r.size();
        if (at >= r.back()) return value.back() * std::pow(r.back() / at, tailPower);
        std::vector<double> x(n), y(n);
        for (size_t i = 0; i < n; ++i) x[i] = std::log(r[i]), y[i] = std::log(std::fabs(value[i]));
        // Natural spline second derivatives (tridiagonal solve).
        std::vector<double> m(n, 0.0), c(n, 0.0), d(n, 0.0);
        for (size_t i = 1; i + 1 < n; ++i) {
            const double h0 = x[i] - x[i - 1], h1 = x[i + 1] - x[i];
            const double a = h0 / 6, b = (h0 + h1) / 3, cc = h1 / 6;
            const double rhs = (y[i + 1] - y[i]) / h1 - (y[i] - y[i - 1]) / h0;
            const double denom = b - a * c[i - 1];
            c[i] = cc / denom;
            d[i] = (rhs - a * d[i - 1]) / denom;
        }
        for (size_t i = n - 2; i >= 1; --i) m[i] = d[i] - c[i] * m[i + 1];
        const double lx = std::log(at);
        size_t k = 1;
        while (k < n - 1 && x[k] < lx) ++k;
        const double h = x[k] - x[k - 1], A = (x[k] - lx) / h, B = 1 - A;
        const double ly = A * y[k - 1] + B * y[k] + ((A * A * A - A) * m[k - 1] + (B * B * B - B) * m[k]) * h * h / 6;
        return (value[k] < 0 ? -1.0 : 1.0) * std::exp(ly);
    }

    double potentialAt(double r) const { return interpolate(rMm, potentialV, r, 1.0); }
    double fieldAt(double r) const { return interpolate(rMm, fieldVPerMm, r, 2.0); }
};

class RadialReferenceConductor final : public field::VolumeConductor {
public:
    RadialReferenceConductor(device::Lead lead, RadialProfile profile) : lead_(std::move(lead)), profile_(std::move(profile)) {}
    const device::Lead& lead() const override { return lead_; }
    std::string description() const override { return "finite-element reference profile (test)"; }
    field::UnitFields unitFields(const Eigen::Matrix3Xd& p, bool, int) const override {
        field::UnitFields f;
        f.potentialVPerMa = Eigen::MatrixXd::Zero(p.cols(), contactCount());
        for (Eigen::Index i = 0; i < p.cols(); ++i) f.potentialVPerMa(i, 1) = -profile_.potentialAt(p.col(i).head<2>().norm());
        return f;
    }
    Eigen::MatrixXd contactPotentialsVPerMa() const override { return Eigen::MatrixXd::Zero(contactCount(), contactCount()); }
    bool insideLead(const Eigen::Vector3d& p) const override { return p.head<2>().norm() < lead_.radiusMm(); }

private:
    device::Lead lead_;
    RadialProfile profile_;
};

}  // namespace dbsprog::testref
