#include "dbsprog/tissue/mrg_axon.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <limits>
#include <memory>
#include <sstream>

#include <Eigen/Cholesky>
#include <Eigen/LU>

#include "dbsprog/error.hpp"
#include "dbsprog/io/paths.hpp"
#include "io/json_reader.hpp"

namespace dbsprog::tissue {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kTableMatchUm = 1e-6;

std::string numberText(double v) {
    std::ostringstream ss;
    ss << v;
    return ss.str();
}

// A published number: {"value": x, "source": "..."}; the source is required so no number arrives
// in the model without its origin.
double sourced(const io::JsonReader& parent, const std::string& key, double lo, double hi) {
    const auto p = parent.object(key);
    p.string("source");
    return p.number("value", lo, hi);
}

MrgQuadratic quadratic(const io::JsonReader& parent, const std::string& key) {
    const auto q = parent.object(key);
    const auto c = q.numberList("coefficients", -1e4, 1e4);
    if (c.size() != 3) q.fail("coefficients", "three numbers [c2, c1, c0] of y = c2*d^2 + c1*d + c0");
    return {c[0], c[1], c[2]};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Model file

MrgModel parseMrgModel(const std::string& jsonText, const std::string& source) {
    const auto doc = io::JsonReader::parse(jsonText, source);
    MrgModel m;
    m.id = doc.string("id");
    m.temperatureC = sourced(doc, "temperature_C", 0.0, 50.0);
    m.initialPotentialMv = sourced(doc, "initial_potential_mV", -150.0, 0.0);
    m.timeStepUs = sourced(doc, "time_step_us", 0.1, 100.0);
    m.axialResistivityOhmCm = sourced(doc, "axial_resistivity_ohm_cm", 1.0, 1000.0);
    m.nodeLengthUm = sourced(doc, "node_length_um", 0.1, 10.0);
    m.mysaLengthUm = sourced(doc, "mysa_length_um", 0.1, 50.0);
    m.stinPerInternode = static_cast<int>(std::lround(sourced(doc, "stin_per_internode", 1.0, 50.0)));
    m.nodePeriaxonalSpaceUm = sourced(doc, "node_periaxonal_space_um", 1e-5, 1.0);
    m.mysaPeriaxonalSpaceUm = sourced(doc, "mysa_periaxonal_space_um", 1e-5, 1.0);
    m.flutPeriaxonalSpaceUm = sourced(doc, "flut_periaxonal_space_um", 1e-5, 1.0);
    m.stinPeriaxonalSpaceUm = sourced(doc, "stin_periaxonal_space_um", 1e-5, 1.0);
    m.axolemmaCapacitanceUfPerCm2 = sourced(doc, "axolemma_capacitance_uF_per_cm2", 0.01, 100.0);
    m.mysaConductanceSPerCm2 = sourced(doc, "mysa_axolemma_conductance_S_per_cm2", 0.0, 10.0);
    m.flutConductanceSPerCm2 = sourced(doc, "flut_axolemma_conductance_S_per_cm2", 0.0, 10.0);
    m.stinConductanceSPerCm2 = sourced(doc, "stin_axolemma_conductance_S_per_cm2", 0.0, 10.0);
    m.internodeLeakReversalMv = sourced(doc, "internode_leak_reversal_mV", -150.0, 50.0);
    m.myelinCapacitanceUfPerCm2PerLamella = sourced(doc, "myelin_capacitance_uF_per_cm2_per_lamella", 1e-4, 100.0);
    m.myelinConductanceSPerCm2PerLamella = sourced(doc, "myelin_conductance_S_per_cm2_per_lamella", 0.0, 10.0);
    m.nodePeriaxonalShuntSPerCm2 = sourced(doc, "node_periaxonal_shunt_S_per_cm2", 1.0, 1e12);

    const auto ch = doc.object("node_channels");
    m.fastSodiumSPerCm2 = sourced(ch, "fast_sodium_S_per_cm2", 0.0, 100.0);
    m.persistentSodiumSPerCm2 = sourced(ch, "persistent_sodium_S_per_cm2", 0.0, 100.0);
    m.slowPotassiumSPerCm2 = sourced(ch, "slow_potassium_S_per_cm2", 0.0, 100.0);
    m.leakSPerCm2 = sourced(ch, "leak_S_per_cm2", 0.0, 100.0);
    m.sodiumReversalMv = sourced(ch, "sodium_reversal_mV", -200.0, 200.0);
    m.potassiumReversalMv = sourced(ch, "potassium_reversal_mV", -200.0, 200.0);
    m.leakReversalMv = sourced(ch, "leak_reversal_mV", -200.0, 200.0);

    for (const auto& row : doc.array("geometry_table", 1)) {
        MrgGeometry g;
        g.fiberDiameterUm = row.positive("fiber_diameter_um", 100.0);
        g.axonDiameterUm = row.positive("axon_diameter_um", 100.0);
        g.nodeDiameterUm = row.positive("node_diameter_um", 100.0);
        g.internodeLengthUm = row.positive("internode_length_um", 1e4);
        g.flutLengthUm = row.positive("flut_length_um", 1e3);
        g.lamellae = row.positive("lamellae", 1e4);
        g.source = "table: " + row.string("source");
        if (g.axonDiameterUm >= g.fiberDiameterUm) row.fail("axon_diameter_um", "less than fiber_diameter_um");
        if (!m.table.empty() && g.fiberDiameterUm <= m.table.back().fiberDiameterUm)
            row.fail("fiber_diameter_um", "rows in ascending order of diameter");
        m.table.push_back(g);
    }

    const auto in = doc.object("interpolation");
    in.string("source");
    m.interpolationMinUm = in.positive("valid_from_um", 100.0);
    m.interpolationMaxUm = in.positive("valid_to_um", 100.0);
    if (m.interpolationMaxUm <= m.interpolationMinUm) in.fail("valid_to_um", "a diameter above valid_from_um");
    m.internodeSmall = quadratic(in, "internode_length_um_small");
    m.internodeSmallBelowUm = in.object("internode_length_um_small").positive("below_um", 100.0);
    m.internodeLarge = quadratic(in, "internode_length_um_large");
    m.flutLength = quadratic(in, "flut_length_um");
    m.lamellae = quadratic(in, "lamellae");
    m.nodeDiameter = quadratic(in, "node_diameter_um");
    m.axonDiameter = quadratic(in, "axon_diameter_um");
    return m;
}

MrgModel loadMrgModel(const std::string& path) { return parseMrgModel(io::readFile(path), path); }

MrgGeometry MrgModel::geometry(double d) const {
    for (const auto& row : table)
        if (std::fabs(row.fiberDiameterUm - d) <= kTableMatchUm) return row;
    if (!(d >= interpolationMinUm && d <= interpolationMaxUm)) {
        std::string rows;
        for (const auto& row : table) rows += (rows.empty() ? "" : ", ") + numberText(row.fiberDiameterUm);
        throw InputError("MRG model '" + id + "'", "fiber diameter (um)", numberText(d),
                         "a diameter from " + numberText(interpolationMinUm) + " to " + numberText(interpolationMaxUm) +
                             " um (published rows: " + rows + ")");
    }
    MrgGeometry g;
    g.fiberDiameterUm = d;
    g.internodeLengthUm = d < internodeSmallBelowUm ? internodeSmall(d) : internodeLarge(d);
    g.flutLengthUm = flutLength(d);
    g.lamellae = lamellae(d);
    g.nodeDiameterUm = nodeDiameter(d);
    g.axonDiameterUm = axonDiameter(d);
    g.source = "interpolation: Musselman et al. 2021 (ASCENT) fits of the MRG tables";
    return g;
}

// ---------------------------------------------------------------------------------------------
// Axon geometry and electrical constants

namespace {

enum class Kind { Node, Mysa, Flut, Stin };

struct Section {
    Kind kind;
    double lengthUm;
};

// Arc-length parametrised polyline.
class Polyline {
public:
    explicit Polyline(const std::vector<Eigen::Vector3d>& pts) {
        for (const auto& p : pts) {
            if (!p.allFinite()) throw InputError("axon polyline", "point", "non-finite coordinate", "finite mm");
            if (!points_.empty() && (p - points_.back()).norm() < 1e-12) continue;
            cumulative_.push_back(points_.empty() ? 0.0 : cumulative_.back() + (p - points_.back()).norm());
            points_.push_back(p);
        }
        if (points_.size() < 2)
            throw InputError("axon polyline", "points", std::to_string(pts.size()) + " distinct",
                             "at least 2 distinct points");
    }
    double length() const { return cumulative_.back(); }
    const std::vector<Eigen::Vector3d>& points() const { return points_; }
    // The same line continued straight by `mm` beyond both ends.
    Polyline extended(double mm) const {
        std::vector<Eigen::Vector3d> p = points_;
        const size_t n = p.size();
        p.front() += (p[0] - p[1]).normalized() * mm;
        p.back() += (p[n - 1] - p[n - 2]).normalized() * mm;
        return Polyline(p);
    }
    Eigen::Vector3d at(double s) const {
        s = std::clamp(s, 0.0, length());
        const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), s);
        size_t i = static_cast<size_t>(std::max<long>(0, (it - cumulative_.begin()) - 1));
        i = std::min(i, points_.size() - 2);
        const double seg = cumulative_[i + 1] - cumulative_[i];
        const double t = seg > 0.0 ? (s - cumulative_[i]) / seg : 0.0;
        return points_[i] + t * (points_[i + 1] - points_[i]);
    }

private:
    std::vector<Eigen::Vector3d> points_;
    std::vector<double> cumulative_;
};

}  // namespace

namespace detail {
std::shared_ptr<const MrgGateTable> buildGateTable(const MrgModel& model);
}

MrgAxon::MrgAxon(const MrgModel& model, double fiberDiameterUm, const std::vector<Eigen::Vector3d>& polylineMm,
                 const MrgAxonOptions& options)
    : model_(model), geometry_(model.geometry(fiberDiameterUm)) {
    const Polyline given(polylineMm);
    if (!std::isfinite(options.extensionMm) || !std::isfinite(options.nodeShiftMm))
        throw InputError("axon options", "extension/node shift (mm)", "non-finite", "finite millimetres");
    const double extensionMm = options.extensionMm < 0.0 ? 0.5 * given.length() : options.extensionMm;
    const Polyline line = extensionMm > 0.0 ? given.extended(extensionMm) : given;
    const MrgGeometry& g = geometry_;
    const double deltaMm = g.internodeLengthUm * 1e-3;
    const double stinLengthUm =
        (g.internodeLengthUm - model.nodeLengthUm - 2.0 * model.mysaLengthUm - 2.0 * g.flutLengthUm) /
        model.stinPerInternode;
    if (!(stinLengthUm > 0.0))
        throw InputError("MRG model '" + model.id + "'", "internode geometry at " + numberText(g.fiberDiameterUm) + " um",
                         numberText(stinLengthUm) + " um STIN", "node, MYSA and FLUT lengths that fit in the internode");

    // Nodes: the middle of the arc (plus the shift) and whole internodes either side.
    const double lengthMm = line.length();
    const double centre = 0.5 * lengthMm + options.nodeShiftMm;
    const double slack = 1e-9 * std::max(1.0, lengthMm);
    const long kFirst = static_cast<long>(std::ceil((0.0 - centre - slack) / deltaMm));
    const long kLast = static_cast<long>(std::floor((lengthMm - centre + slack) / deltaMm));
    if (kLast - kFirst < 2)
        throw InputError("axon polyline", "length", numberText(lengthMm) + " mm",
                         "room for at least 3 nodes of Ranvier (>= " + numberText(2.0 * deltaMm) + " mm at " +
                             numberText(g.fiberDiameterUm) + " um)");

    std::vector<Section> internode;
    internode.push_back({Kind::Mysa, model.mysaLengthUm});
    internode.push_back({Kind::Flut, g.flutLengthUm});
    for (int i = 0; i < model.stinPerInternode; ++i) internode.push_back({Kind::Stin, stinLengthUm});
    internode.push_back({Kind::Flut, g.flutLengthUm});
    internode.push_back({Kind::Mysa, model.mysaLengthUm});

    std::vector<Section> sections;
    std::vector<double> arcUm;  // compartment centres, um from the arc's start
    firstPolylineNode_ = -1;
    for (long k = kFirst; k <= kLast; ++k) {
        const double nodeUm = (centre + static_cast<double>(k) * deltaMm) * 1e3;
        const double onGivenMm = nodeUm * 1e-3 - extensionMm;
        if (onGivenMm >= -slack && onGivenMm <= given.length() + slack) {
            if (firstPolylineNode_ < 0) firstPolylineNode_ = static_cast<int>(nodeCompartments_.size());
            lastPolylineNode_ = static_cast<int>(nodeCompartments_.size());
        }
        nodeCompartments_.push_back(static_cast<int>(sections.size()));
        sections.push_back({Kind::Node, model.nodeLengthUm});
        arcUm.push_back(nodeUm);
        if (k == kLast) break;
        double edge = nodeUm + 0.5 * model.nodeLengthUm;
        for (const auto& s : internode) {
            sections.push_back(s);
            arcUm.push_back(edge + 0.5 * s.lengthUm);
            edge += s.lengthUm;
        }
    }
    if (firstPolylineNode_ < 0) firstPolylineNode_ = lastPolylineNode_ = static_cast<int>(nodeCompartments_.size()) / 2;
    for (double s : arcUm) centresMm_.push_back(line.at(s * 1e-3));

    // Electrical constants, as ModelDB 3810 sets up its sections: the axolemma of each compartment
    // has its own diameter (node/MYSA: nodeD; FLUT/STIN: axonD); the sheath spans the fibre diameter.
    const double rhoOhmUm = model.axialResistivityOhmCm * 1e4;
    const double sheathCapUfPerCm2 = model.myelinCapacitanceUfPerCm2PerLamella / (2.0 * g.lamellae);
    const double sheathCondSPerCm2 = model.myelinConductanceSPerCm2PerLamella / (2.0 * g.lamellae);
    std::vector<double> halfAxialMohm, halfPeriaxialMohm;
    for (const auto& s : sections) {
        double axolemmaUm = 0.0, spaceUm = 0.0, leakSPerCm2 = 0.0;
        switch (s.kind) {
            case Kind::Node: axolemmaUm = g.nodeDiameterUm; spaceUm = model.nodePeriaxonalSpaceUm; break;
            case Kind::Mysa: axolemmaUm = g.nodeDiameterUm; spaceUm = model.mysaPeriaxonalSpaceUm; leakSPerCm2 = model.mysaConductanceSPerCm2; break;
            case Kind::Flut: axolemmaUm = g.axonDiameterUm; spaceUm = model.flutPeriaxonalSpaceUm; leakSPerCm2 = model.flutConductanceSPerCm2; break;
            case Kind::Stin: axolemmaUm = g.axonDiameterUm; spaceUm = model.stinPeriaxonalSpaceUm; leakSPerCm2 = model.stinConductanceSPerCm2; break;
        }
        const double axolemmaAreaCm2 = kPi * axolemmaUm * s.lengthUm * 1e-8;
        const double fibreAreaCm2 = kPi * g.fiberDiameterUm * s.lengthUm * 1e-8;
        Compartment c;
        c.membraneCapacitanceNf = model.axolemmaCapacitanceUfPerCm2 * axolemmaAreaCm2 * 1e3;
        if (s.kind == Kind::Node) {
            c.nodeAreaCm2 = axolemmaAreaCm2;
            c.sheathConductanceUs = model.nodePeriaxonalShuntSPerCm2 * axolemmaAreaCm2 * 1e6;
        } else {
            c.leakConductanceUs = leakSPerCm2 * axolemmaAreaCm2 * 1e6;
            c.sheathCapacitanceNf = sheathCapUfPerCm2 * fibreAreaCm2 * 1e3;
            c.sheathConductanceUs = sheathCondSPerCm2 * fibreAreaCm2 * 1e6;
        }
        compartments_.push_back(c);
        const double r = 0.5 * axolemmaUm;
        // Ohm*um * um / um^2 = Ohm -> MOhm.
        halfAxialMohm.push_back(rhoOhmUm * 0.5 * s.lengthUm / (kPi * r * r) * 1e-6);
        halfPeriaxialMohm.push_back(rhoOhmUm * 0.5 * s.lengthUm / (kPi * ((r + spaceUm) * (r + spaceUm) - r * r)) * 1e-6);
    }
    for (size_t k = 0; k + 1 < sections.size(); ++k) {
        axialUs_.push_back(1.0 / (halfAxialMohm[k] + halfAxialMohm[k + 1]));
        periaxialUs_.push_back(1.0 / (halfPeriaxialMohm[k] + halfPeriaxialMohm[k + 1]));
    }
    gateTable_ = detail::buildGateTable(model);
}

std::vector<Eigen::Vector3d> MrgAxon::nodePositionsMm() const {
    std::vector<Eigen::Vector3d> out;
    for (int k : nodeCompartments_) out.push_back(centresMm_[static_cast<size_t>(k)]);
    return out;
}

// ---------------------------------------------------------------------------------------------
// Node kinetics: MRG 2002 (ModelDB 3810 AXNODE.mod). Voltages mV, rates 1/ms.

namespace detail {

// NEURON's Exp() in AXNODE.mod: 0 below -100, capped at exp(700).
inline double expClamped(double x) { return x < -100.0 ? 0.0 : std::exp(std::min(x, 700.0)); }

// a*x/(1 - exp(-x/k)) with its limit a*k at x = 0 (the "vtrap" forms of AXNODE.mod).
inline double linoid(double a, double x, double k) {
    const double u = x / k;
    if (std::fabs(u) < 1e-6) return a * k;
    return a * x / (1.0 - expClamped(-u));
}

struct NodeGates {
    double mp, m, h, s;
};

struct GateRates {
    std::array<double, 4> inf;  // mp, m, h, s
    std::array<double, 4> tau;  // ms
};

class NodeKinetics {
public:
    explicit NodeKinetics(double temperatureC)
        : q10Sodium_(std::pow(2.2, (temperatureC - 20.0) / 10.0)),
          q10Inactivation_(std::pow(2.9, (temperatureC - 20.0) / 10.0)),
          q10Potassium_(std::pow(3.0, (temperatureC - 36.0) / 10.0)) {}

    GateRates rates(double v) const {
        GateRates r;
        // persistent Na activation
        setGate(r, 0, q10Sodium_ * linoid(0.01, v + 27.0, 10.2), q10Sodium_ * linoid(0.00025, -(v + 34.0), 10.0));
        // fast Na activation
        setGate(r, 1, q10Sodium_ * linoid(1.86, v + 21.4, 10.3), q10Sodium_ * linoid(0.086, -(v + 25.7), 9.16));
        // fast Na inactivation
        setGate(r, 2, q10Inactivation_ * linoid(0.062, -(v + 114.0), 11.0),
                q10Inactivation_ * 2.3 / (1.0 + expClamped(-(v + 31.8) / 13.4)));
        // slow K, in the Traub convention v2 = v - (-80)
        const double v2 = v + 80.0;
        setGate(r, 3, q10Potassium_ * 0.3 / (expClamped((v2 - 27.0) / -5.0) + 1.0),
                q10Potassium_ * 0.03 / (expClamped((v2 + 10.0) / -1.0) + 1.0));
        return r;
    }

    NodeGates steadyState(double v) const {
        const auto r = rates(v);
        return {r.inf[0], r.inf[1], r.inf[2], r.inf[3]};
    }

    // NEURON's cnexp: x <- x_inf + (x - x_inf) * exp(-dt/tau), with v the new potential.
    void advance(NodeGates& g, double v, double dtMs) const {
        const auto r = rates(v);
        double* x[4] = {&g.mp, &g.m, &g.h, &g.s};
        for (int i = 0; i < 4; ++i) *x[i] = r.inf[i] + (*x[i] - r.inf[i]) * std::exp(-dtMs / r.tau[i]);
    }

private:
    static void setGate(GateRates& r, int i, double alpha, double beta) {
        r.tau[i] = 1.0 / (alpha + beta);
        r.inf[i] = alpha * r.tau[i];
    }
    double q10Sodium_, q10Inactivation_, q10Potassium_;
};

}  // namespace detail

// The gate updates as functions of the new potential, x <- inf(v) + (x - inf(v)) * decay(v) with
// decay = exp(-dt/tau(v)), tabulated with cubic Hermite interpolation on a 0.1 mV grid (measured
// against the formulas: absolute error < 2e-8 in the steady states, < 1e-10 in the decay factors;
// thresholds agree with NEURON's exact evaluation within 0.1 %); outside the grid the formulas are
// evaluated directly.
struct detail::MrgGateTable {
    static constexpr double kMinMv = -200.0, kMaxMv = 150.0, kStepMv = 0.1;
    static constexpr int kValues = 16;  // per point, per gate: inf, h*dinf/dv, decay, h*ddecay/dv

    NodeKinetics exact{37.0};
    double dtMs = 0.0;
    int points = 0;
    std::vector<double> data;

    void exactUpdate(double v, double* inf, double* decay) const {
        const auto r = exact.rates(v);
        for (int i = 0; i < 4; ++i) {
            inf[i] = r.inf[static_cast<size_t>(i)];
            decay[i] = std::exp(-dtMs / r.tau[static_cast<size_t>(i)]);
        }
    }

    void advance(NodeGates& g, double v) const {
        double inf[4], decay[4];
        const double x = (v - kMinMv) / kStepMv;
        if (x >= 0.0 && x < static_cast<double>(points - 1)) {
            const int i = static_cast<int>(x);
            const double t = x - i, t2 = t * t, t3 = t2 * t;
            const double h00 = 2 * t3 - 3 * t2 + 1, h10 = t3 - 2 * t2 + t, h01 = 3 * t2 - 2 * t3, h11 = t3 - t2;
            const double* a = &data[static_cast<size_t>(i) * kValues];
            const double* b = a + kValues;
            for (int k = 0; k < 4; ++k) {
                inf[k] = h00 * a[4 * k] + h10 * a[4 * k + 1] + h01 * b[4 * k] + h11 * b[4 * k + 1];
                decay[k] = h00 * a[4 * k + 2] + h10 * a[4 * k + 3] + h01 * b[4 * k + 2] + h11 * b[4 * k + 3];
            }
        } else {
            exactUpdate(v, inf, decay);
        }
        g.mp = inf[0] + (g.mp - inf[0]) * decay[0];
        g.m = inf[1] + (g.m - inf[1]) * decay[1];
        g.h = inf[2] + (g.h - inf[2]) * decay[2];
        g.s = inf[3] + (g.s - inf[3]) * decay[3];
    }
};

std::shared_ptr<const detail::MrgGateTable> detail::buildGateTable(const MrgModel& model) {
    auto t = std::make_shared<MrgGateTable>();
    t->exact = NodeKinetics(model.temperatureC);
    t->dtMs = model.timeStepUs * 1e-3;
    t->points = static_cast<int>(std::lround((MrgGateTable::kMaxMv - MrgGateTable::kMinMv) / MrgGateTable::kStepMv)) + 1;
    t->data.resize(static_cast<size_t>(t->points) * MrgGateTable::kValues);
    constexpr double kDiffMv = 1e-4;  // central differences for the slopes
    for (int p = 0; p < t->points; ++p) {
        const double v = MrgGateTable::kMinMv + p * MrgGateTable::kStepMv;
        double inf[4], decay[4], infUp[4], decayUp[4], infDown[4], decayDown[4];
        t->exactUpdate(v, inf, decay);
        t->exactUpdate(v + kDiffMv, infUp, decayUp);
        t->exactUpdate(v - kDiffMv, infDown, decayDown);
        double* row = &t->data[static_cast<size_t>(p) * MrgGateTable::kValues];
        const double scale = MrgGateTable::kStepMv / (2.0 * kDiffMv);
        for (int k = 0; k < 4; ++k) {
            row[4 * k] = inf[k];
            row[4 * k + 1] = (infUp[k] - infDown[k]) * scale;
            row[4 * k + 2] = decay[k];
            row[4 * k + 3] = (decayUp[k] - decayDown[k]) * scale;
        }
    }
    return t;
}

// ---------------------------------------------------------------------------------------------
// Simulation: backward Euler on the double cable, unknowns per compartment (Vm, Vp) with
// Vm = Vi - Vp the membrane and Vp the periaxonal potential, e the applied extracellular potential:
//   row 1 (axoplasm):            C/dt (Vm' - Vm) + g (Vm' - E) + sum Gi (Vi' - Vi_j') = 0
//   row 2 (axoplasm + periaxon): sum Gi (Vi' - Vi_j') + sum Gx (Vp' - Vp_j')
//                                 + Cs/dt ((Vp' - e') - (Vp - e)) + Gs (Vp' - e') = 0
// The matrix is the Hessian of a positive quadratic form (symmetric positive definite). Only the
// nodes' channel conductance changes from step to step, and every internode is the same passive
// chain, so the internodes are condensed once (static condensation with one precomputed inverse);
// each step solves the small block-tridiagonal node system and recovers all internodes with two
// matrix products. The gates are advanced after the solve with the new Vm, as NEURON does.

namespace {

// Off-diagonal block coupling compartment k to k+1 (symmetric).
Eigen::Matrix2d couplingBlock(double gAxial, double gPeriaxial) {
    Eigen::Matrix2d o;
    o << -gAxial, -gAxial, -gAxial, -gAxial - gPeriaxial;
    return o;
}

}  // namespace

Eigen::VectorXd samplePotential(const MrgAxon& axon, const PotentialFn& unitPotentialV) {
    const auto& c = axon.compartmentCentresMm();
    Eigen::VectorXd out(static_cast<Eigen::Index>(c.size()));
    for (size_t k = 0; k < c.size(); ++k) {
        const double v = unitPotentialV(c[k]);
        if (!std::isfinite(v))
            throw InputError("potential function", "potential at compartment " + std::to_string(k), numberText(v),
                             "a finite potential in volts");
        out[static_cast<Eigen::Index>(k)] = v;
    }
    return out;
}

MrgResponse simulateMrg(const MrgAxon& axon, const Eigen::VectorXd& unitPotentialV, double amplitudeMa,
                        const MrgStimulus& stimulus) {
    using Eigen::Index;
    const MrgModel& model = axon.model();
    const int n = axon.compartmentCount();
    const int nodes = axon.nodeCount();
    if (unitPotentialV.size() != n)
        throw InputError("simulateMrg", "unit potential", std::to_string(unitPotentialV.size()) + " values",
                         std::to_string(n) + " (one per compartment)");
    if (!(amplitudeMa >= 0.0) || !std::isfinite(amplitudeMa))
        throw InputError("simulateMrg", "amplitude (mA)", numberText(amplitudeMa), "a finite amplitude >= 0");
    if (!(stimulus.pulseWidthUs > 0.0) || !std::isfinite(stimulus.pulseWidthUs))
        throw InputError("simulateMrg", "pulse width (us)", numberText(stimulus.pulseWidthUs), "a pulse width > 0");

    const double dt = model.timeStepUs * 1e-3;  // ms
    const long delaySteps = std::lround(std::max(0.0, stimulus.delayUs) / model.timeStepUs);
    const long pulseSteps = std::max<long>(1, std::lround(stimulus.pulseWidthUs / model.timeStepUs));
    const long pulseEnd = delaySteps + pulseSteps;
    const auto& nodeComp = axon.nodeCompartments();
    double afterMs = stimulus.afterPulseMs;
    if (!(afterMs > 0.0)) {
        const auto& c = axon.compartmentCentresMm();
        const Eigen::Vector3d mid = c[static_cast<size_t>(nodeComp[static_cast<size_t>(nodes / 2)])];
        const double farMm = std::max((c.front() - mid).norm(), (c.back() - mid).norm());
        afterMs = 2.0 + farMm / (2.0 * axon.fiberDiameterUm());  // 2 m/s per um = 2 mm/ms per um
    }
    const long totalSteps = pulseEnd + std::lround(afterMs / dt);
    const double sign = stimulus.polarity == Polarity::Cathodic ? -1.0 : 1.0;
    const double scaleMv = sign * amplitudeMa * 1000.0;  // V per unit -> mV at this amplitude

    const auto& comp = axon.compartments();
    const auto& gi = axon.axialConductanceUs();
    const auto& gx = axon.periaxonalConductanceUs();
    const detail::NodeKinetics kinetics(model.temperatureC);
    const detail::MrgGateTable& gateTable = axon.gateTable();

    // Diagonal blocks without channels, and the per-compartment right-hand-side coefficients.
    std::vector<Eigen::Matrix2d> diag(static_cast<size_t>(n));
    std::vector<double> cmDt(static_cast<size_t>(n)), csDt(static_cast<size_t>(n));
    for (int k = 0; k < n; ++k) {
        const size_t u = static_cast<size_t>(k);
        const double si = (k > 0 ? gi[u - 1] : 0.0) + (k + 1 < n ? gi[u] : 0.0);
        const double sx = (k > 0 ? gx[u - 1] : 0.0) + (k + 1 < n ? gx[u] : 0.0);
        cmDt[u] = comp[u].membraneCapacitanceNf / dt;
        csDt[u] = comp[u].sheathCapacitanceNf / dt;
        diag[u] << cmDt[u] + comp[u].leakConductanceUs + si, si, si, si + sx + csDt[u] + comp[u].sheathConductanceUs;
    }

    // One internode's interior (all internodes are alike): m compartments, q = 2m unknowns
    // interleaved (Vm, Vp) per compartment; condensed onto its two nodes.
    const int nInt = nodes - 1;
    const int m = nodeComp[1] - nodeComp[0] - 1;
    const int q = 2 * m;
    for (int i = 0; i < nInt; ++i) assert(nodeComp[static_cast<size_t>(i + 1)] - nodeComp[static_cast<size_t>(i)] - 1 == m);
    const int k0 = nodeComp[0];
    Eigen::MatrixXd a = Eigen::MatrixXd::Zero(q, q);
    for (int c = 0; c < m; ++c) {
        const size_t k = static_cast<size_t>(k0 + 1 + c);
        a.block<2, 2>(2 * c, 2 * c) = diag[k];
        if (c + 1 < m) {
            const Eigen::Matrix2d o = couplingBlock(gi[k], gx[k]);
            a.block<2, 2>(2 * c, 2 * c + 2) = o;
            a.block<2, 2>(2 * c + 2, 2 * c) = o;
        }
    }
    const Eigen::Matrix2d oLeft = couplingBlock(gi[static_cast<size_t>(k0)], gx[static_cast<size_t>(k0)]);
    const Eigen::Matrix2d oRight = couplingBlock(gi[static_cast<size_t>(k0 + m)], gx[static_cast<size_t>(k0 + m)]);
    Eigen::MatrixXd aib = Eigen::MatrixXd::Zero(q, 4);
    aib.block<2, 2>(0, 0) = oLeft;
    aib.block<2, 2>(q - 2, 2) = oRight;
    const Eigen::LLT<Eigen::MatrixXd> llt(a);
    if (llt.info() != Eigen::Success)
        throw std::runtime_error("MRG internode matrix is not positive definite (" + std::to_string(m) + " compartments)");
    const Eigen::MatrixXd k4 = llt.solve(aib);  // q x 4: response of the interior to its nodes
    const Eigen::Matrix4d schur = aib.transpose() * k4;
    const Eigen::Matrix2d sLL = schur.block<2, 2>(0, 0), sLR = schur.block<2, 2>(0, 2);
    const Eigen::Matrix2d sRL = schur.block<2, 2>(2, 0), sRR = schur.block<2, 2>(2, 2);
    // Constant block-Thomas factors of the interior chain; y = A_II^-1 b is then two sweeps that
    // run over all internodes at once (rows of length nInt).
    std::vector<Eigen::Matrix2d> chainCoupling(static_cast<size_t>(m)), chainMultiplier(static_cast<size_t>(m)),
        chainInverse(static_cast<size_t>(m));
    for (int c = 0; c < m; ++c) {
        const size_t u = static_cast<size_t>(c);
        Eigen::Matrix2d reduced = a.block<2, 2>(2 * c, 2 * c);
        if (c > 0) {
            chainMultiplier[u] = chainCoupling[u - 1] * chainInverse[u - 1];
            reduced -= chainMultiplier[u] * chainCoupling[u - 1];
        }
        chainInverse[u] = reduced.inverse();
        if (c + 1 < m) chainCoupling[u] = a.block<2, 2>(2 * c, 2 * c + 2);
    }

    Eigen::VectorXd coefState(q), leakRhs(q), sheathOld(q), sheathNew(q);
    for (int c = 0; c < m; ++c) {
        const size_t k = static_cast<size_t>(k0 + 1 + c);
        coefState[2 * c] = cmDt[k];
        coefState[2 * c + 1] = csDt[k];
        leakRhs[2 * c] = comp[k].leakConductanceUs * model.internodeLeakReversalMv;
        leakRhs[2 * c + 1] = 0.0;
        sheathOld[2 * c] = 0.0;
        sheathOld[2 * c + 1] = -csDt[k];
        sheathNew[2 * c] = 0.0;
        sheathNew[2 * c + 1] = csDt[k] + comp[k].sheathConductanceUs;
    }
    // Pulse potential (mV) on the interior's Vp rows, pre-multiplied by its two coefficients.
    // Interior arrays are q x nInt, row-major: one row per interior unknown, across all internodes.
    using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    RowMajor pulseOld = RowMajor::Zero(q, nInt), pulseNew = RowMajor::Zero(q, nInt);
    for (int i = 0; i < nInt; ++i)
        for (int c = 0; c < m; ++c) {
            const double e = scaleMv * unitPotentialV[nodeComp[static_cast<size_t>(i)] + 1 + c];
            pulseOld(2 * c + 1, i) = sheathOld[2 * c + 1] * e;
            pulseNew(2 * c + 1, i) = sheathNew[2 * c + 1] * e;
        }
    std::vector<double> nodePulseMv(static_cast<size_t>(nodes));
    for (int j = 0; j < nodes; ++j) nodePulseMv[static_cast<size_t>(j)] = scaleMv * unitPotentialV[nodeComp[static_cast<size_t>(j)]];

    // State.
    const double v0 = model.initialPotentialMv;
    RowMajor interior(q, nInt), rhs(q, nInt), solved(q, nInt);
    for (int c = 0; c < m; ++c) {
        interior.row(2 * c).setConstant(v0);
        interior.row(2 * c + 1).setZero();
    }
    Eigen::RowVectorXd nodeVm = Eigen::RowVectorXd::Constant(nodes, v0), nodeVp = Eigen::RowVectorXd::Zero(nodes);
    Eigen::RowVectorXd t0(nInt), t1(nInt);
    std::vector<detail::NodeGates> gates(static_cast<size_t>(nodes), kinetics.steadyState(v0));
    std::vector<Eigen::Matrix2d> nodeInv(static_cast<size_t>(nodes));
    std::vector<Eigen::Vector2d> nodeRhs(static_cast<size_t>(nodes));
    // Eliminating node j-1 from node j's row: the multiplier's left factor is the block (j, j-1).
    const Eigen::Matrix2d lower = -sRL, upper = -sLR;

    MrgResponse resp;
    resp.nodeCrossingMs.assign(static_cast<size_t>(nodes), -1.0);
    const double settleBandMv = 10.0;       // "near rest": below v0 + 10 mV at every node
    const double settleSlopeMvPerMs = 2.0;  // and changing slower than this
    const long settleHoldSteps = std::lround(0.25 / dt);
    const long settleEarliest = pulseEnd + std::lround(0.5 / dt);
    const int margin = std::clamp(stimulus.endExclusionNodes, 0, (nodes - 1) / 2);
    long settledFor = 0;
    std::vector<double> vmBefore(static_cast<size_t>(nodes), v0);
    bool wasOn = false;

    for (long step = 0; step < totalSteps; ++step) {
        const bool on = step >= delaySteps && step < pulseEnd;
        // Interior right-hand sides and their condensed solution y = A_II^-1 b_I.
        for (int r = 0; r < q; ++r) rhs.row(r) = coefState[r] * interior.row(r).array() + leakRhs[r];
        if (wasOn) rhs += pulseOld;
        if (on) rhs += pulseNew;
        for (int c = 1; c < m; ++c) {
            const Eigen::Matrix2d& w = chainMultiplier[static_cast<size_t>(c)];
            rhs.row(2 * c) -= w(0, 0) * rhs.row(2 * c - 2) + w(0, 1) * rhs.row(2 * c - 1);
            rhs.row(2 * c + 1) -= w(1, 0) * rhs.row(2 * c - 2) + w(1, 1) * rhs.row(2 * c - 1);
        }
        for (int c = m - 1; c >= 0; --c) {
            const size_t u = static_cast<size_t>(c);
            if (c + 1 < m) {
                const Eigen::Matrix2d& o = chainCoupling[u];
                t0 = rhs.row(2 * c) - o(0, 0) * solved.row(2 * c + 2) - o(0, 1) * solved.row(2 * c + 3);
                t1 = rhs.row(2 * c + 1) - o(1, 0) * solved.row(2 * c + 2) - o(1, 1) * solved.row(2 * c + 3);
            } else {
                t0 = rhs.row(2 * c);
                t1 = rhs.row(2 * c + 1);
            }
            const Eigen::Matrix2d& di = chainInverse[u];
            solved.row(2 * c) = di(0, 0) * t0 + di(0, 1) * t1;
            solved.row(2 * c + 1) = di(1, 0) * t0 + di(1, 1) * t1;
        }

        // Node system (block tridiagonal), forward elimination.
        for (int j = 0; j < nodes; ++j) {
            const size_t u = static_cast<size_t>(j);
            const size_t k = static_cast<size_t>(nodeComp[u]);
            const detail::NodeGates& g = gates[u];
            // Channels are linear in Vm with this step's gates (NEURON's di/dv is exact here).
            const double area = comp[k].nodeAreaCm2 * 1e6;
            const double gNa = (model.fastSodiumSPerCm2 * g.m * g.m * g.m * g.h +
                                model.persistentSodiumSPerCm2 * g.mp * g.mp * g.mp) * area;
            const double gK = model.slowPotassiumSPerCm2 * g.s * area;
            const double gL = model.leakSPerCm2 * area;
            Eigen::Matrix2d d = diag[k];
            d(0, 0) += gNa + gK + gL;
            const double eOld = wasOn ? nodePulseMv[u] : 0.0, eNew = on ? nodePulseMv[u] : 0.0;
            Eigen::Vector2d r(cmDt[k] * nodeVm[j] + gNa * model.sodiumReversalMv + gK * model.potassiumReversalMv +
                                  gL * model.leakReversalMv,
                              csDt[k] * (nodeVp[j] - eOld) + (csDt[k] + comp[k].sheathConductanceUs) * eNew);
            if (j < nInt) {  // internode j on the right
                d -= sLL;
                r.noalias() -= oLeft * Eigen::Vector2d(solved(0, j), solved(1, j));
            }
            if (j > 0) {  // internode j-1 on the left
                d -= sRR;
                r.noalias() -= oRight * Eigen::Vector2d(solved(q - 2, j - 1), solved(q - 1, j - 1));
                const Eigen::Matrix2d w = lower * nodeInv[u - 1];
                d.noalias() -= w * upper;
                r.noalias() -= w * nodeRhs[u - 1];
            }
            nodeInv[u] = d.inverse();
            nodeRhs[u] = r;
        }
        // Back substitution.
        for (int j = nodes - 1; j >= 0; --j) {
            const size_t u = static_cast<size_t>(j);
            Eigen::Vector2d r = nodeRhs[u];
            if (j + 1 < nodes) r.noalias() -= upper * Eigen::Vector2d(nodeVm[j + 1], nodeVp[j + 1]);
            const Eigen::Vector2d x = nodeInv[u] * r;
            nodeVm[j] = x[0];
            nodeVp[j] = x[1];
        }
        // Interiors from their nodes: x_I = y - K [x_left; x_right].
        for (int r = 0; r < q; ++r)
            interior.row(r) = solved.row(r) - k4(r, 0) * nodeVm.head(nInt) - k4(r, 1) * nodeVp.head(nInt) -
                              k4(r, 2) * nodeVm.tail(nInt) - k4(r, 3) * nodeVp.tail(nInt);
        wasOn = on;

        const double tMs = static_cast<double>(step + 1) * dt;
        bool settled = stimulus.stopWhenSettled && step >= settleEarliest;
        for (int j = 0; j < nodes; ++j) {
            const size_t u = static_cast<size_t>(j);
            const double v = nodeVm[j];
            gateTable.advance(gates[u], v);
            if (resp.nodeCrossingMs[u] < 0.0 && v >= stimulus.detectionMv) {
                resp.nodeCrossingMs[u] = tMs;
                if (resp.originNode < 0) {
                    resp.originNode = j;
                    resp.originTimeMs = tMs;
                }
            }
            if (settled && (v > v0 + settleBandMv || std::fabs(v - vmBefore[u]) > settleSlopeMvPerMs * dt))
                settled = false;
            vmBefore[u] = v;
        }
        resp.simulatedMs = tMs;
        const double endFirst = resp.nodeCrossingMs.front(), endLast = resp.nodeCrossingMs.back();
        if (endFirst >= 0.0 || endLast >= 0.0) {
            resp.arrivalTimeMs = endFirst >= 0.0 && endLast >= 0.0 ? std::min(endFirst, endLast)
                                                                    : std::max(endFirst, endLast);
            resp.fired = resp.originNode >= margin && resp.originNode < nodes - margin;
            return resp;
        }
        settledFor = settled ? settledFor + 1 : 0;
        if (settledFor >= settleHoldSteps) break;
    }
    return resp;
}

bool firesAt(const MrgAxon& axon, const PotentialFn& unitPotentialV, double amplitudeMa, double pulseWidthUs,
             Polarity polarity) {
    MrgStimulus s;
    s.pulseWidthUs = pulseWidthUs;
    s.polarity = polarity;
    return simulateMrg(axon, samplePotential(axon, unitPotentialV), amplitudeMa, s).fired;
}

MrgThreshold findThreshold(const MrgAxon& axon, const Eigen::VectorXd& unitPotentialV, const MrgStimulus& stimulus,
                           const MrgThresholdSearch& search) {
    if (!(search.relativeTolerance > 0.0 && search.relativeTolerance < 1.0))
        throw InputError("threshold search", "relative tolerance", numberText(search.relativeTolerance), "0 < tolerance < 1");
    if (!(search.initialGuessMa > 0.0) || !(search.maxAmplitudeMa >= search.initialGuessMa))
        throw InputError("threshold search", "initial guess (mA)", numberText(search.initialGuessMa),
                         "0 < guess <= maximum amplitude (" + numberText(search.maxAmplitudeMa) + " mA)");
    MrgThreshold out;
    auto fires = [&](double amplitude) {
        ++out.simulations;
        return simulateMrg(axon, unitPotentialV, amplitude, stimulus).fired;
    };
    constexpr double kExpand = 4.0;
    constexpr double kFloorMa = 1e-6;
    double lo = 0.0, hi = 0.0;
    const double guess = search.initialGuessMa;
    // A long pulse close to the axon can block the action potential it starts (its flanking nodes are
    // hyperpolarised), so an amplitude that does not fire may lie above the threshold, in that block
    // window: look below the guess in halvings before searching upward.
    constexpr double kProbeStep = 2.0;
    constexpr double kProbeRange = 1024.0;
    double firing = fires(guess) ? guess : 0.0;
    for (double probe = guess / kProbeStep; firing == 0.0 && probe >= guess / kProbeRange; probe /= kProbeStep)
        if (fires(probe)) firing = probe;
    if (firing > 0.0) {
        hi = firing;
        lo = firing / kExpand;
        while (fires(lo)) {
            hi = lo;
            lo /= kExpand;
            if (lo < kFloorMa) {  // fires at (almost) nothing: report the floor
                out.lowMa = 0.0;
                out.highMa = hi;
                out.thresholdMa = hi;
                return out;
            }
        }
    } else {
        lo = guess;
        hi = std::min(guess * kExpand, search.maxAmplitudeMa);
        while (!fires(hi)) {
            lo = hi;
            if (hi >= search.maxAmplitudeMa) {
                out.lowMa = lo;
                out.highMa = std::numeric_limits<double>::infinity();
                out.thresholdMa = std::numeric_limits<double>::infinity();
                return out;
            }
            hi = std::min(hi * kExpand, search.maxAmplitudeMa);
        }
    }
    while ((hi - lo) > search.relativeTolerance * hi) {
        // Geometric steps while the bracket is wide, arithmetic once it is narrow.
        const double mid = hi > 1.5 * lo ? std::sqrt(lo * hi) : 0.5 * (lo + hi);
        if (fires(mid)) hi = mid;
        else lo = mid;
    }
    out.lowMa = lo;
    out.highMa = hi;
    out.thresholdMa = 0.5 * (lo + hi);
    return out;
}

double thresholdMa(const MrgAxon& axon, const PotentialFn& unitPotentialV, double pulseWidthUs, Polarity polarity) {
    MrgStimulus s;
    s.pulseWidthUs = pulseWidthUs;
    s.polarity = polarity;
    return findThreshold(axon, samplePotential(axon, unitPotentialV), s).thresholdMa;
}

}  // namespace dbsprog::tissue
