// The lead surface mesh: graded panels, contact areas, angular sectors.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "dbsprog/field/detail/lead_surface.hpp"
#include "field_test_support.hpp"

namespace {

using dbsprog::field::BemDiscretisation;
using dbsprog::field::detail::buildSurfaceMesh;
using dbsprog::field::detail::gradedBreaks;
using dbsprog::field::detail::SurfaceMesh;
using field_test::shippedLead;

TEST(LeadSurface, GradedBreaksGrowGeometricallyFromEdges) {
    const double lengthMm = 1.5, edge = 0.002, growth = 1.25, maxMm = 0.05;
    const auto b = gradedBreaks(lengthMm, true, true, edge, growth, maxMm);
    ASSERT_GE(b.size(), 3u);
    EXPECT_EQ(b.front(), 0.0);
    EXPECT_EQ(b.back(), lengthMm);
    std::vector<double> h;
    for (size_t i = 0; i + 1 < b.size(); ++i) h.push_back(b[i + 1] - b[i]);
    // The panels at both edges are about the edge size (the count is rounded up, so slightly less).
    EXPECT_NEAR(h.front(), edge, 0.15 * edge);
    EXPECT_NEAR(h.back(), edge, 0.15 * edge);
    for (size_t i = 0; i < h.size(); ++i) {
        EXPECT_GT(h[i], 0.0);
        EXPECT_LE(h[i], maxMm * 1.0001);
        if (i > 0) {
            EXPECT_LE(std::max(h[i] / h[i - 1], h[i - 1] / h[i]), growth * 1.01) << i;
        }
    }
    // Ungraded: equal panels no longer than maxMm.
    const auto u = gradedBreaks(1.0, false, false, edge, growth, 0.3);
    ASSERT_EQ(u.size(), 5u);
    EXPECT_NEAR(u[1], 0.25, 1e-12);
}

TEST(LeadSurface, ContactPanelsCarryTheContactAreas) {
    // Panels assigned to each contact add up to its area from the lead file (FACTS.md: 3389 ring
    // 5.985 mm^2; 90-degree segment 1.50 mm^2; the DB-2202 tip contact, hemisphere plus cylinder,
    // 2 pi r h like a ring).
    for (const char* stem : {"3389", "db-2202", "b33005"}) {
        const auto lead = shippedLead(stem);
        const SurfaceMesh mesh = buildSurfaceMesh(lead, BemDiscretisation::defaultsFor(lead));
        std::vector<double> area(lead.contacts.size(), 0.0);
        for (int p = 0; p < mesh.panelCount(); ++p)
            if (mesh.contactOfPanel[p] >= 0) area[mesh.contactOfPanel[p]] += mesh.panelAreaMm2[p];
        for (size_t c = 0; c < lead.contacts.size(); ++c)
            EXPECT_NEAR(area[c], lead.contacts[c].areaMm2, 1e-9 * lead.contacts[c].areaMm2)
                << stem << " contact " << lead.contacts[c].name;
        // The whole surface: hemisphere 2 pi a^2, cylinder 2 pi a (cap - a), cap pi a^2.
        const double a = lead.radiusMm();
        const double total = std::accumulate(mesh.panelAreaMm2.begin(), mesh.panelAreaMm2.end(), 0.0);
        const double expected = 2.0 * M_PI * a * a + 2.0 * M_PI * a * (mesh.capZMm - a) + M_PI * a * a;
        EXPECT_NEAR(total, expected, 1e-9 * expected) << stem;
    }
}

TEST(LeadSurface, SectorsAlignWithSegmentEdges) {
    const auto ring = shippedLead("3389");
    EXPECT_EQ(buildSurfaceMesh(ring, BemDiscretisation::defaultsFor(ring)).sectorCount, 1);
    const auto directional = shippedLead("db-2202");
    const SurfaceMesh mesh = buildSurfaceMesh(directional, BemDiscretisation::defaultsFor(directional));
    EXPECT_EQ(mesh.sectorCount, 24);  // 90-degree segments at 0/120/240: edges every 15 degrees
    EXPECT_FALSE(mesh.edgesSnapped);
    // Segment 2a spans -45..45 degrees: 6 of the 24 sectors on each of its rows.
    const int a = *directional.contactIndex("2a");
    const int row = [&] {
        for (int r = 0; r < mesh.rowCount(); ++r)
            if (mesh.contactOfPanel[r] == a) return r;
        return -1;
    }();
    ASSERT_GE(row, 0);
    int sectorsOfA = 0;
    for (int s = 0; s < mesh.sectorCount; ++s) sectorsOfA += mesh.contactOfPanel[s * mesh.rowCount() + row] == a;
    EXPECT_EQ(sectorsOfA, 6);
}

}  // namespace
