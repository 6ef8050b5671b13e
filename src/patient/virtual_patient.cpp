#include "dbsprog/patient/virtual_patient.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "dbsprog/device/check.hpp"
#include "dbsprog/error.hpp"
#include "dbsprog/field/conductor_factory.hpp"
#include "dbsprog/field/stimulus.hpp"
#include "dbsprog/io/paths.hpp"
#include "io/json_reader.hpp"

namespace dbsprog::patient {

namespace {

FrequencyResponse::Curve parseCurve(const io::JsonReader& r) {
    r.rejectUnknownKeys({"frequency_hz", "factor", "note"});
    FrequencyResponse::Curve c;
    c.frequencyHz = r.numberList("frequency_hz", 0.0, 10000.0);
    c.factor = r.numberList("factor", -1.0, 1.0);
    if (c.frequencyHz.size() < 2 || c.factor.size() != c.frequencyHz.size())
        r.fail("factor", "one factor per frequency, at least two points");
    for (size_t i = 1; i < c.frequencyHz.size(); ++i)
        if (!(c.frequencyHz[i] > c.frequencyHz[i - 1])) r.fail("frequency_hz", "increasing frequencies");
    return c;
}

/// Linear between the tabulated points, constant beyond them.
double interpolate(const FrequencyResponse::Curve& c, double f) {
    if (f <= c.frequencyHz.front()) return c.factor.front();
    if (f >= c.frequencyHz.back()) return c.factor.back();
    const size_t i = size_t(std::upper_bound(c.frequencyHz.begin(), c.frequencyHz.end(), f) - c.frequencyHz.begin());
    const double t = (f - c.frequencyHz[i - 1]) / (c.frequencyHz[i] - c.frequencyHz[i - 1]);
    return c.factor[i - 1] + t * (c.factor[i] - c.factor[i - 1]);
}

/// Grade 0-4: how many of the grade thresholds the activation has reached.
int gradeFor(const SideEffect& s, double activation) {
    int g = 0;
    while (g < 4 && activation >= s.gradeActivation[g]) ++g;
    return g;
}

void fillReading(SideEffectReading& r, const SideEffect& s, double activation, double gradedActivation) {
    r.id = s.id;
    r.name = s.name;
    r.activation = activation;
    r.delayed = s.onsetTauS > 0.0;
    r.grade = gradeFor(s, gradedActivation);
    r.patientSays = r.grade > 0 ? s.patientSays[r.grade - 1] : "";
    r.clinicianSees = r.grade > 0 ? s.clinicianSees[r.grade - 1] : "";
}

bool stimulates(const device::Program& p) {
    if (!(p.amplitude > 0.0)) return false;
    return std::any_of(p.contacts.begin(), p.contacts.end(),
                       [](const device::ProgramContact& c) { return !c.isCase() && c.polarity == device::Polarity::Cathode; });
}

/// First-order approach to `target` over `dt`, rising with `tauUp`, falling with `tauDown` (exact for
/// a constant target).
double approach(double present, double target, double dt, double tauUp, double tauDown) {
    const double tau = target > present ? tauUp : tauDown;
    if (tau <= 0.0) return target;
    return target + (present - target) * std::exp(-dt / tau);
}

}  // namespace

double FrequencyResponse::factor(ComponentKind kind, double frequencyHz) const {
    switch (kind) {
        case ComponentKind::DystoniaPhasic:
        case ComponentKind::DystoniaTonic: return interpolate(dystonia, frequencyHz);
        case ComponentKind::Tremor: return interpolate(tremor, frequencyHz);
        case ComponentKind::Rigidity:
        case ComponentKind::Bradykinesia: return interpolate(parkinsonian, frequencyHz);
    }
    return 0.0;
}

FrequencyResponse loadFrequencyResponse(const std::string& path) {
    const auto doc = io::JsonReader::parse(io::readFile(path), path);
    doc.rejectUnknownKeys({"dystonia", "tremor", "parkinsonian", "sources", "assumptions"});
    FrequencyResponse f;
    f.dystonia = parseCurve(doc.object("dystonia"));
    f.tremor = parseCurve(doc.object("tremor"));
    f.parkinsonian = parseCurve(doc.object("parkinsonian"));
    f.sources = doc.stringListOr("sources");
    f.assumptions = doc.stringListOr("assumptions");
    return f;
}

std::vector<double> AmplitudeScan::pathwayActivation(double amplitude) const {
    std::vector<double> out(sortedThresholds_.size(), 0.0);
    for (size_t p = 0; p < out.size(); ++p) {
        const auto& t = sortedThresholds_[p];
        if (t.empty()) continue;
        out[p] = double(std::upper_bound(t.begin(), t.end(), amplitude) - t.begin()) / double(t.size());
    }
    return out;
}

double AmplitudeScan::amplitudeForActivation(int pathway, double fraction) const {
    const auto& t = sortedThresholds_.at(size_t(pathway));
    if (t.empty()) return std::numeric_limits<double>::infinity();
    const auto k = size_t(std::ceil(fraction * double(t.size()) - 1e-9));
    if (k == 0) return 0.0;
    return k > t.size() ? std::numeric_limits<double>::infinity() : t[k - 1];
}

VirtualPatient::VirtualPatient(Case c, const std::string& modelsDir, const PatientOptions& options)
    : case_(std::move(c)), anatomyToLead_(Eigen::Isometry3d::Identity()) {
    const auto catalog = device::loadCatalog(modelsDir);
    lead_ = catalog.lead(case_.leadId);
    ipg_ = catalog.ipg(case_.ipgId);
    anatomy_ = findAnatomy(modelsDir, case_.target);
    frequency_ = loadFrequencyResponse(modelsDir + "/response/frequency.json");
    {
        const std::string reviewPath = modelsDir + "/response/review.json";
        const auto review = io::JsonReader::parse(io::readFile(reviewPath), reviewPath);
        review.rejectUnknownKeys({"max_amplitude_v", "max_amplitude_ma", "note"});
        reviewMaxV_ = review.positive("max_amplitude_v", 20.0);
        reviewMaxMa_ = review.positive("max_amplitude_ma", 30.0);
    }
    {
        const std::string path = modelsDir + "/response/voltage_mode.json";
        const auto doc = io::JsonReader::parse(io::readFile(path), path);
        doc.rejectUnknownKeys({"series_capacitance_uF", "note", "sources"});
        seriesCapacitanceUf_ = doc.positive("series_capacitance_uF", 1000.0);
    }
    for (size_t i = 0; i < case_.components.size(); ++i)
        componentPathway_.push_back(
            anatomy_.pathwayIndex(case_.components[i].pathwayId, case_.id + ": components[" + std::to_string(i) + "].pathway"));
    for (const auto& s : anatomy_.sideEffects) sideEffectPathway_.push_back(anatomy_.pathwayIndex(s.pathwayId));

    anatomyToLead_ = patient::anatomyToLead(anatomy_.trajectory, case_.placement);
    if (options.conductor) {
        if (options.conductor->lead().id != lead_.id)
            throw std::invalid_argument("VirtualPatient: shared conductor is for lead " + options.conductor->lead().id +
                                        ", the case has " + lead_.id);
        conductor_ = options.conductor;
    } else {
        field::ConductorOptions co;
        co.kind = field::ConductorKind::Homogeneous;
        co.sigmaSPerM = case_.tissue.conductivitySPerM;
        co.threads = options.threads;
        conductor_ = field::makeConductor(lead_, co, modelsDir);
    }
    engine_ = std::make_unique<tissue::ActivationEngine>(*conductor_, pathwayBundles(anatomy_, anatomyToLead_),
                                                         tissue::defaultActivationParams(modelsDir), options.threads);

    // The programmer's impedance check reads tissue + interface; the case states what it reads, the
    // model puts the difference in series (on the largest contact, the one impedance is quoted for).
    const Eigen::VectorXd tissueOhm = field::monopolarImpedancesOhm(*conductor_, 0.0);
    const double lowest = tissueOhm.minCoeff();
    if (case_.tissue.impedanceOhm < lowest)
        throw InputError(case_.id, "tissue.impedance_ohm", std::to_string(case_.tissue.impedanceOhm),
                         ">= " + std::to_string(int(std::ceil(lowest))) + " ohm, the tissue's own resistance for lead " +
                             lead_.id + " at " + std::to_string(case_.tissue.conductivitySPerM) + " S/m");
    interfaceOhm_ = case_.tissue.impedanceOhm - lowest;
}

VirtualPatient::~VirtualPatient() = default;

Eigen::VectorXd VirtualPatient::contactCurrentsMa(const device::Program& program) const {
    return field::contactCurrentsMa(program, *conductor_, interfaceOhm_);
}

double VirtualPatient::pulseDecayTauUs(const device::Program& program) const {
    // RC of the series capacitance with the load: ohm x microfarad = microseconds.
    return program.mode == device::ControlMode::Voltage ? case_.tissue.impedanceOhm * seriesCapacitanceUf_ : 0.0;
}

Evaluation VirtualPatient::evaluate(const device::Program& program) const {
    const device::Program valid = device::validateProgram(program, lead_, ipg_);
    if (!stimulates(valid)) {
        Evaluation e = evaluateActivation(valid, std::vector<double>(anatomy_.pathways.size(), 0.0));
        e.axonFired.assign(size_t(engine_->axonCount()), 0);
        return e;
    }
    auto r = engine_->evaluate(contactCurrentsMa(valid), valid.pulseWidthUs, pulseDecayTauUs(valid));
    Evaluation e = evaluateActivation(valid, r.fractionActivated);
    e.axonFired = std::move(r.axonFired);
    return e;
}

Evaluation VirtualPatient::evaluateOff() const {
    device::Program off = case_.program;
    off.amplitude = 0.0;
    return evaluateActivation(off, std::vector<double>(anatomy_.pathways.size(), 0.0));
}

Evaluation VirtualPatient::evaluateActivation(const device::Program& program, std::vector<double> activation) const {
    Evaluation e;
    e.program = program;
    e.stimulating = stimulates(program);
    e.pathwayActivation = std::move(activation);
    e.components.reserve(case_.components.size());
    for (size_t i = 0; i < case_.components.size(); ++i) {
        const auto& c = case_.components[i];
        ComponentReading r;
        r.id = c.id;
        r.targetActivation = e.pathwayActivation[size_t(componentPathway_[i])];
        if (e.stimulating) {
            // Hill response of the target pathway's activation, times the frequency factor (DESIGN.md 4).
            const double an = std::pow(r.targetActivation, c.hillExponent);
            const double hill = an / (an + std::pow(c.halfActivation, c.hillExponent));
            r.steadyRelief = c.maxRelief * hill * frequency_.factor(c.kind, program.frequencyHz);
        }
        e.steadyRelief += c.share * r.steadyRelief;
        e.components.push_back(std::move(r));
    }
    grade(e);
    return e;
}

void VirtualPatient::grade(Evaluation& e) const {
    e.sideEffects.resize(anatomy_.sideEffects.size());
    e.maxAcuteGrade = 0;
    for (size_t i = 0; i < anatomy_.sideEffects.size(); ++i) {
        const auto& s = anatomy_.sideEffects[i];
        const double a = e.pathwayActivation[size_t(sideEffectPathway_[i])];
        const bool delayed = s.onsetTauS > 0.0;
        fillReading(e.sideEffects[i], s, a, delayed ? a * case_.delayedSideEffectSusceptibility : a);
        if (!delayed) e.maxAcuteGrade = std::max(e.maxAcuteGrade, e.sideEffects[i].grade);
    }
}

AmplitudeScan VirtualPatient::scan(const device::Program& shape) const {
    device::Program probe = shape;
    const auto& range = ipg_.amplitudeRange(shape.mode);
    probe.amplitude = std::max(range.min, range.step);
    AmplitudeScan s;
    s.shape_ = device::validateProgram(probe, lead_, ipg_);
    device::Program unit = s.shape_;
    unit.amplitude = 1.0;  // every step of the chain is linear in the amplitude
    const auto thresholds = engine_->thresholdAmplitudes(contactCurrentsMa(unit), unit.pulseWidthUs, pulseDecayTauUs(unit));
    s.sortedThresholds_.resize(engine_->bundles().size());
    size_t a = 0;
    for (size_t b = 0; b < engine_->bundles().size(); ++b) {
        auto& t = s.sortedThresholds_[b];
        const size_t n = engine_->bundles()[b].axons.size();
        t.assign(thresholds.begin() + long(a), thresholds.begin() + long(a + n));
        std::sort(t.begin(), t.end());
        a += n;
    }
    return s;
}

Review VirtualPatient::monopolarReview(const ReviewOptions& options) const {
    Review review;
    review.options = options;
    if (!ipg_.supports(review.options.mode))
        review.options.mode = review.options.mode == device::ControlMode::Voltage ? device::ControlMode::Current
                                                                                  : device::ControlMode::Voltage;
    const auto mode = review.options.mode;
    const auto& range = ipg_.amplitudeRange(mode);
    review.amplitudeStep = range.step;
    review.maxAmplitude = std::min(range.max, options.maxAmplitude.value_or(mode == device::ControlMode::Voltage ? reviewMaxV_ : reviewMaxMa_));
    const int steps = int(std::floor(review.maxAmplitude / range.step + 1e-9));

    struct Curve {
        std::vector<double> relief;
        std::vector<int> grade;
        std::vector<std::string> worst;
    };
    std::vector<Curve> curves;
    double bestRelief = 0.0;
    for (const auto& contact : lead_.contacts) {
        device::Program shape;
        shape.contacts = {{std::string(device::kCaseName), device::Polarity::Anode, 100.0, false},
                          {contact.name, device::Polarity::Cathode, 100.0, false}};
        shape.mode = mode;
        shape.pulseWidthUs = options.pulseWidthUs;
        shape.frequencyHz = options.frequencyHz;
        const AmplitudeScan s = scan(shape);
        Curve curve;
        for (int k = 1; k <= steps; ++k) {
            device::Program p = s.shape();
            p.amplitude = k * range.step;
            const Evaluation e = evaluateActivation(p, s.pathwayActivation(p.amplitude));
            curve.relief.push_back(e.steadyRelief);
            curve.grade.push_back(e.maxAcuteGrade);
            std::string worst;
            int worstGrade = 0;
            for (const auto& r : e.sideEffects)
                if (!r.delayed && r.grade > worstGrade) worstGrade = r.grade, worst = r.name;
            curve.worst.push_back(worst);
            bestRelief = std::max(bestRelief, e.steadyRelief);
        }
        curves.push_back(std::move(curve));
    }
    for (size_t ci = 0; ci < lead_.contacts.size(); ++ci) {
        const Curve& c = curves[ci];
        ReviewRow row;
        row.contact = lead_.contacts[ci].name;
        int se = -1;
        for (int k = 0; k < steps && se < 0; ++k)
            if (c.grade[size_t(k)] >= options.sideEffectGrade) se = k;
        if (se >= 0) {
            row.sideEffectThreshold = (se + 1) * range.step;
            row.firstSideEffect = c.worst[size_t(se)];
        }
        for (int k = 0; k < steps && bestRelief > 0.0; ++k)
            if (c.relief[size_t(k)] >= options.benefitCriterion * bestRelief) {
                row.efficacyThreshold = (k + 1) * range.step;
                break;
            }
        const int below = (se >= 0 ? se : steps) - 1;
        row.reliefAtSideEffectThreshold = below >= 0 ? c.relief[size_t(below)] : 0.0;
        if (row.efficacyThreshold)
            row.window = row.sideEffectThreshold.value_or(review.maxAmplitude) - *row.efficacyThreshold;
        review.rows.push_back(std::move(row));
    }
    return review;
}

PatientState VirtualPatient::initialState() const {
    PatientState s;
    s.componentRelief.assign(case_.components.size(), 0.0);
    s.delayedLevel.assign(anatomy_.sideEffects.size(), 0.0);
    return s;
}

void VirtualPatient::advance(PatientState& state, const Evaluation& e, double seconds) const {
    if (!(seconds > 0.0)) return;
    for (size_t i = 0; i < case_.components.size(); ++i) {
        const auto& c = case_.components[i];
        state.componentRelief[i] = approach(state.componentRelief[i], e.components[i].steadyRelief, seconds, c.onsetTauS, c.offsetTauS);
    }
    for (size_t i = 0; i < anatomy_.sideEffects.size(); ++i) {
        const auto& s = anatomy_.sideEffects[i];
        if (s.onsetTauS <= 0.0) continue;
        const double target = e.sideEffects[i].activation * case_.delayedSideEffectSusceptibility;
        state.delayedLevel[i] = approach(state.delayedLevel[i], target, seconds, s.onsetTauS, s.offsetTauS);
    }
    state.timeS += seconds;
}

Severity VirtualPatient::severity(const PatientState& state) const {
    Severity s;
    for (size_t i = 0; i < case_.components.size(); ++i) s.relief += case_.components[i].share * state.componentRelief[i];
    s.stressFactor = 1.0 + case_.stressGain * std::clamp(state.stress, 0.0, 1.0);
    const double scale = (1.0 - s.relief) * s.stressFactor;
    s.clinicalScore = std::clamp(case_.baselineSeverity * scale, 0.0, case_.clinicalScaleMax);
    s.percent = 100.0 * s.clinicalScore / case_.clinicalScaleMax;
    for (const auto& r : case_.regions) s.regions.push_back({r.id, r.name, std::clamp(r.baselinePercent * scale, 0.0, 100.0)});
    for (size_t i = 0; i < anatomy_.sideEffects.size(); ++i) {
        const auto& se = anatomy_.sideEffects[i];
        if (se.onsetTauS <= 0.0) continue;
        SideEffectReading r;
        fillReading(r, se, state.delayedLevel[i], state.delayedLevel[i]);
        s.delayedSideEffects.push_back(std::move(r));
    }
    return s;
}

}  // namespace dbsprog::patient
