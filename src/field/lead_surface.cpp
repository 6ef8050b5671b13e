#include "dbsprog/field/detail/lead_surface.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "dbsprog/error.hpp"

namespace dbsprog::field::detail {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kGeomTolMm = 1e-9;  // z positions closer than this are the same break point

double wrapDeg(double deg) {
    double d = std::fmod(deg, 360.0);
    if (d <= -180.0) d += 360.0;
    if (d > 180.0) d -= 360.0;
    return d;
}

std::string contactLabel(const device::Contact& c) { return "contact '" + c.name + "'"; }

}  // namespace

MeridianSegment::Point MeridianSegment::at(double t) const {
    if (arc) {
        const double alpha = alpha0 + t * (alpha1 - alpha0);
        const double s = std::sin(alpha), c = std::cos(alpha);
        return {radiusMm * s, radiusMm * (1.0 - c), s, -c, radiusMm * (alpha1 - alpha0)};
    }
    const double dr = rho1 - rho0, dz = z1 - z0, len = std::hypot(dr, dz);
    // Outward normal = tangent turned clockwise: the meridian runs apex -> cylinder -> cap -> axis.
    return {rho0 + t * dr, z0 + t * dz, dz / len, -dr / len, len};
}

double MeridianSegment::lengthMm() const {
    return arc ? radiusMm * (alpha1 - alpha0) : std::hypot(rho1 - rho0, z1 - z0);
}

double MeridianSegment::distanceMm(double rho, double z, double t0, double t1) const {
    if (arc) {
        const double a0 = alpha0 + t0 * (alpha1 - alpha0), a1 = alpha0 + t1 * (alpha1 - alpha0);
        const double vr = rho, vz = z - radiusMm;  // from the hemisphere's centre
        const double alphaTarget = std::atan2(vr, -vz);
        if (alphaTarget >= a0 && alphaTarget <= a1) return std::fabs(std::hypot(vr, vz) - radiusMm);
        const Point p0 = at(t0), p1 = at(t1);
        return std::min(std::hypot(rho - p0.rho, z - p0.z), std::hypot(rho - p1.rho, z - p1.z));
    }
    const Point p0 = at(t0), p1 = at(t1);
    const double dr = p1.rho - p0.rho, dz = p1.z - p0.z;
    const double len2 = dr * dr + dz * dz;
    double u = len2 > 0.0 ? ((rho - p0.rho) * dr + (z - p0.z) * dz) / len2 : 0.0;
    u = std::clamp(u, 0.0, 1.0);
    return std::hypot(rho - (p0.rho + u * dr), z - (p0.z + u * dz));
}

double SurfaceMesh::sectorWidthRad() const { return 2.0 * kPi / sectorCount; }

double SurfaceMesh::sectorCentreRad(int s) const { return sectorStartRad + (s + 0.5) * sectorWidthRad(); }

std::vector<double> gradedBreaks(double lengthMm, bool gradeStart, bool gradeEnd, double edgeMm, double growth,
                                 double maxMm) {
    const double g = std::log(growth);
    auto size = [&](double s) {
        double h = maxMm;
        if (gradeStart) h = std::min(h, edgeMm + g * s);
        if (gradeEnd) h = std::min(h, edgeMm + g * (lengthMm - s));
        return h;
    };
    // h is piecewise linear between these knots, so int ds / h is exact piece by piece.
    std::vector<double> knots{0.0, lengthMm};
    const double ramp = (maxMm - edgeMm) / g;
    if (gradeStart) knots.push_back(ramp);
    if (gradeEnd) knots.push_back(lengthMm - ramp);
    if (gradeStart && gradeEnd) knots.push_back(0.5 * lengthMm);
    knots.erase(std::remove_if(knots.begin(), knots.end(), [&](double k) { return k < 0.0 || k > lengthMm; }),
                knots.end());
    std::sort(knots.begin(), knots.end());
    auto count = [&](double s) {
        double n = 0.0, prev = 0.0;
        auto addPiece = [&](double a, double b) {
            if (b <= a) return;
            const double ha = size(a), hb = size(b);
            n += std::fabs(hb - ha) < 1e-12 * ha ? (b - a) / ha : (b - a) * std::log(hb / ha) / (hb - ha);
        };
        for (double k : knots) {
            if (k >= s) break;
            addPiece(prev, k);
            prev = std::max(prev, k);
        }
        addPiece(prev, s);
        return n;
    };
    const double total = count(lengthMm);
    const int n = std::max(1, static_cast<int>(std::ceil(total - 1e-9)));
    std::vector<double> breaks(n + 1);
    breaks[0] = 0.0;
    breaks[n] = lengthMm;
    for (int i = 1; i < n; ++i) {
        const double target = total * i / n;
        double lo = breaks[i - 1], hi = lengthMm;
        for (int iter = 0; iter < 200 && hi - lo > 1e-15 * lengthMm; ++iter) {
            const double mid = 0.5 * (lo + hi);
            (count(mid) < target ? lo : hi) = mid;
        }
        breaks[i] = 0.5 * (lo + hi);
    }
    return breaks;
}

SurfaceMesh buildSurfaceMesh(const device::Lead& lead, const BemDiscretisation& d) {
    const std::string source = "lead '" + lead.id + "'";
    if (!(lead.diameterMm > 0.0)) throw InputError(source, "diameter_mm", std::to_string(lead.diameterMm), "> 0");
    if (lead.contacts.empty()) throw InputError(source, "contacts", "none", "at least one contact");
    const double a = lead.radiusMm();

    int tipContact = -1;
    double proximalMm = 0.0;
    std::vector<double> edges;  // z of every contact edge on the cylinder
    for (size_t i = 0; i < lead.contacts.size(); ++i) {
        const auto& c = lead.contacts[i];
        if (!(c.zMaxMm > c.zMinMm))
            throw InputError(source, contactLabel(c), std::to_string(c.zMinMm) + ".." + std::to_string(c.zMaxMm),
                             "a positive length");
        if (c.shape == device::ContactShape::Tip) {
            if (tipContact >= 0 || c.zMinMm > kGeomTolMm || c.zMaxMm < a)
                throw InputError(source, contactLabel(c), "tip from " + std::to_string(c.zMinMm),
                                 "one tip contact, from the apex (z = 0) to at least the lead radius");
            tipContact = static_cast<int>(i);
        } else {
            // Rings and segments must sit on the cylinder; the model has no contact on the rounded tip.
            if (c.zMinMm < a - kGeomTolMm)
                throw InputError(source, contactLabel(c), "z from " + std::to_string(c.zMinMm) + " mm",
                                 "ring and segment contacts at or above the lead radius (" + std::to_string(a) +
                                     " mm), clear of the hemispherical tip");
            edges.push_back(c.zMinMm);
        }
        edges.push_back(c.zMaxMm);
        proximalMm = std::max(proximalMm, c.zMaxMm);
    }
    const double capZ = proximalMm + d.shaftLengthMm;

    SurfaceMesh mesh;
    mesh.radiusMm = a;
    mesh.capZMm = capZ;
    auto isEdge = [&](double z) {
        return std::any_of(edges.begin(), edges.end(), [&](double e) { return std::fabs(e - z) < kGeomTolMm; });
    };
    auto addRow = [&](const MeridianSegment& seg) {
        PanelRow row;
        row.segment = seg;
        row.collocation = seg.at(0.5);
        row.lengthMm = seg.lengthMm();
        mesh.rows.push_back(row);
    };

    // 1. Hemispherical tip, apex to equator (z = a).
    const bool edgeAtEquator = isEdge(a);
    const auto tipBreaks = gradedBreaks(0.5 * kPi * a, false, edgeAtEquator, d.edgePanelMm, d.growthRatio, d.maxPanelMm);
    for (size_t i = 0; i + 1 < tipBreaks.size(); ++i) {
        MeridianSegment seg;
        seg.arc = true;
        seg.radiusMm = a;
        seg.alpha0 = tipBreaks[i] / a;
        seg.alpha1 = tipBreaks[i + 1] / a;
        addRow(seg);
    }
    // 2. Cylinder from the equator to the cap, cut at every contact edge.
    std::vector<double> knots{a, capZ};
    for (double e : edges)
        if (e > a + kGeomTolMm && e < capZ - kGeomTolMm) knots.push_back(e);
    std::sort(knots.begin(), knots.end());
    knots.erase(std::unique(knots.begin(), knots.end(), [](double x, double y) { return std::fabs(x - y) < kGeomTolMm; }),
                knots.end());
    for (size_t k = 0; k + 1 < knots.size(); ++k) {
        const double z0 = knots[k], z1 = knots[k + 1];
        const bool shaft = z0 >= proximalMm - kGeomTolMm;
        const auto brk = gradedBreaks(z1 - z0, isEdge(z0), isEdge(z1), d.edgePanelMm, d.growthRatio,
                                      shaft ? d.maxShaftPanelMm : d.maxPanelMm);
        for (size_t i = 0; i + 1 < brk.size(); ++i) {
            MeridianSegment seg;
            seg.rho0 = seg.rho1 = a;
            seg.z0 = z0 + brk[i];
            seg.z1 = z0 + brk[i + 1];
            addRow(seg);
        }
    }
    // 3. Flat cap, rim to axis.
    for (int i = 0; i < d.capPanels; ++i) {
        MeridianSegment seg;
        seg.rho0 = a * (1.0 - static_cast<double>(i) / d.capPanels);
        seg.rho1 = a * (1.0 - static_cast<double>(i + 1) / d.capPanels);
        seg.z0 = seg.z1 = capZ;
        addRow(seg);
    }

    // Angular sectors: equal, with every segment edge on a sector boundary.
    std::vector<double> segmentEdgesDeg;
    for (const auto& c : lead.contacts)
        if (c.shape == device::ContactShape::Segment) {
            segmentEdgesDeg.push_back(c.angleDeg - 0.5 * c.arcDeg);
            segmentEdgesDeg.push_back(c.angleDeg + 0.5 * c.arcDeg);
        }
    if (segmentEdgesDeg.empty()) {
        mesh.sectorCount = 1;
        mesh.sectorStartRad = -kPi;
    } else {
        auto offsetFor = [&](int n) {
            const double w = 360.0 / n;
            double off = std::fmod(segmentEdgesDeg[0], w);
            if (off < 0) off += w;
            return off;
        };
        auto aligned = [&](int n) {
            const double w = 360.0 / n, off = offsetFor(n);
            return std::all_of(segmentEdgesDeg.begin(), segmentEdgesDeg.end(), [&](double e) {
                const double x = (e - off) / w;
                return std::fabs(x - std::round(x)) < 1e-6;
            });
        };
        int n = d.minSectors;
        while (n < d.maxSectors && !aligned(n)) ++n;
        mesh.edgesSnapped = !aligned(n);
        mesh.sectorCount = n;
        mesh.sectorStartRad = offsetFor(n) * kPi / 180.0;
    }

    // Contact of each panel (by its centre) and its area.
    const int rowsN = mesh.rowCount();
    mesh.contactOfPanel.assign(mesh.panelCount(), -1);
    mesh.panelAreaMm2.assign(mesh.panelCount(), 0.0);
    const double width = mesh.sectorWidthRad();
    for (int r = 0; r < rowsN; ++r) {
        const auto& seg = mesh.rows[r].segment;
        // int rho ds over the row, times the sector's angle
        const double rhoDs = seg.arc ? a * a * (std::cos(seg.alpha0) - std::cos(seg.alpha1))
                                     : 0.5 * (seg.rho0 + seg.rho1) * seg.lengthMm();
        const double zMid = mesh.rows[r].collocation.z;
        const bool onCap = !seg.arc && seg.z0 == seg.z1;
        for (int s = 0; s < mesh.sectorCount; ++s) {
            const int p = s * rowsN + r;
            mesh.panelAreaMm2[p] = rhoDs * width;
            if (onCap) continue;
            const double angleDeg = mesh.sectorCentreRad(s) * 180.0 / kPi;
            for (size_t c = 0; c < lead.contacts.size(); ++c) {
                const auto& ct = lead.contacts[c];
                bool on = false;
                if (ct.shape == device::ContactShape::Tip)
                    on = seg.arc || zMid < ct.zMaxMm;
                else if (!seg.arc && zMid > ct.zMinMm && zMid < ct.zMaxMm)
                    on = ct.shape == device::ContactShape::Ring ||
                         std::fabs(wrapDeg(angleDeg - ct.angleDeg)) < 0.5 * ct.arcDeg;
                if (on) mesh.contactOfPanel[p] = static_cast<int>(c);
            }
        }
    }
    for (size_t c = 0; c < lead.contacts.size(); ++c)
        if (std::find(mesh.contactOfPanel.begin(), mesh.contactOfPanel.end(), static_cast<int>(c)) ==
            mesh.contactOfPanel.end())
            throw InputError(source, contactLabel(lead.contacts[c]), "no panel", "a contact the mesh resolves");
    return mesh;
}

}  // namespace dbsprog::field::detail
