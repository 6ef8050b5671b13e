// Renderer pieces on their own: shader embedding and error reports, lead meshes, the camera,
// the offscreen target.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dbsprog/device/catalog.hpp"
#include "gui/gl_window.hpp"
#include "gui_test_support.hpp"
#include "render/embedded_shaders.hpp"
#include "render/lead_mesh.hpp"
#include "render/lead_view.hpp"
#include "render/orbit_camera.hpp"
#include "render/shader_program.hpp"

namespace dbsprog::render {
namespace {

std::string readText(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

gui::WindowOptions hidden() {
    gui::WindowOptions options;
    options.visible = false;
    options.vsync = false;
    options.widthPx = 320;
    options.heightPx = 240;
    return options;
}

// ---- shaders ----

TEST(EmbeddedShaders, EveryShaderFileIsEmbeddedVerbatim) {
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(DBSPROG_TEST_SHADER_DIR)) {
        const std::string extension = entry.path().extension().string();
        if (extension != ".vert" && extension != ".frag") continue;
        ++files;
        SCOPED_TRACE(entry.path().filename().string());
        EXPECT_EQ(std::string(embeddedShader(entry.path().filename().string())), readText(entry.path()));
        EXPECT_EQ(readText(entry.path()).rfind("#version 330 core", 0), 0u) << "must start with #version 330 core";
    }
    EXPECT_GE(files, 6);
    EXPECT_EQ(static_cast<int>(embeddedShaders().size()), files);
}

TEST(EmbeddedShaders, UnknownNameListsWhatIsEmbedded) {
    try {
        embeddedShader("nope.frag");
        FAIL() << "expected an exception";
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("nope.frag"), std::string::npos);
        EXPECT_NE(std::string(error.what()).find("surface.frag"), std::string::npos);
    }
}

TEST(ShaderSourceListing, NumbersLinesAndMarksTheOnesTheLogNames) {
    const std::string listing = numberedSource("#version 330 core\nvoid main() {\n  oops;\n}\n", {3});
    EXPECT_NE(listing.find("   1 | #version 330 core"), std::string::npos);
    EXPECT_NE(listing.find(">>   3 |   oops;"), std::string::npos);
    EXPECT_EQ(listing.find("   5 |"), std::string::npos);  // no phantom line after the last newline
    EXPECT_EQ(linesInShaderLog("0:3(3): error: `oops' undeclared\n0:12(1): error: x"), (std::vector<int>{3, 12}));
    EXPECT_EQ(linesInShaderLog("0(7) : error C0000: syntax error"), (std::vector<int>{7}));
}

TEST(ShaderProgramGl, CompileErrorNamesTheFileAndShowsNumberedSource) {
    gui::GlWindow window(hidden());
    const ShaderSource vertex{"ok.vert", std::string(embeddedShader("lines.vert"))};
    const ShaderSource broken{"broken.frag", "#version 330 core\nout vec4 color;\nvoid main() {\n  color = undefinedThing;\n}\n"};
    try {
        ShaderProgram::fromSources(vertex, broken);
        FAIL() << "expected a compile error";
    } catch (const std::runtime_error& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("broken.frag"), std::string::npos) << message;
        EXPECT_NE(message.find("   1 | #version 330 core"), std::string::npos) << message;
        EXPECT_NE(message.find("4 |   color = undefinedThing;"), std::string::npos) << message;
    }
}

TEST(ShaderProgramGl, LinkErrorNamesBothFiles) {
    gui::GlWindow window(hidden());
    // Each stage compiles on its own, but the fragment stage has no main(): only linking fails.
    const ShaderSource vertex{"plain.vert", "#version 330 core\nvoid main() { gl_Position = vec4(0.0); }\n"};
    const ShaderSource fragment{"needs.frag", "#version 330 core\nout vec4 c;\nvoid notMain() { c = vec4(1.0); }\n"};
    try {
        ShaderProgram::fromSources(vertex, fragment);
        FAIL() << "expected a link error";
    } catch (const std::runtime_error& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("plain.vert"), std::string::npos) << message;
        EXPECT_NE(message.find("needs.frag"), std::string::npos) << message;
        EXPECT_NE(message.find("link"), std::string::npos) << message;
        EXPECT_NE(message.find("   3 | void notMain()"), std::string::npos) << message;
    }
}

TEST(ShaderProgramGl, EveryEmbeddedPairCompiles) {
    gui::GlWindow window(hidden());
    for (const char* name : {"surface", "lines", "background"}) {
        SCOPED_TRACE(name);
        EXPECT_NO_THROW(ShaderProgram::fromEmbedded(std::string(name) + ".vert", std::string(name) + ".frag"));
    }
    EXPECT_TRUE(takeGlErrors().empty());
}

// ---- RAII ----

TEST(GlObjects, MoveTransfersOwnershipAndDestroysOnce) {
    gui::GlWindow window(hidden());
    Buffer a = Buffer::create();
    const GLuint id = a.id();
    ASSERT_NE(id, 0u);
    Buffer b = std::move(a);
    EXPECT_EQ(a.id(), 0u);  // NOLINT(bugprone-use-after-move): the moved-from state is the point
    EXPECT_EQ(b.id(), id);
    b.reset();
    EXPECT_EQ(b.id(), 0u);
    EXPECT_TRUE(takeGlErrors().empty());
}

// ---- lead meshes ----

class LeadMeshes : public ::testing::Test {
protected:
    static void SetUpTestSuite() { catalog_ = device::loadCatalog(DBSPROG_TEST_MODELS_DIR); }
    static device::Catalog catalog_;
};
device::Catalog LeadMeshes::catalog_;

TEST_F(LeadMeshes, EveryCatalogueLeadHasOnePartPerContactWithinItsGeometry) {
    ASSERT_FALSE(catalog_.leads.empty());
    for (const device::Lead& lead : catalog_.leads) {
        SCOPED_TRACE(lead.id);
        const LeadMeshOptions options;
        const LeadMesh mesh = buildLeadMesh(lead, options);
        EXPECT_NEAR(mesh.radiusMm, lead.radiusMm(), 1e-6);
        EXPECT_EQ(mesh.hasMarker, lead.directional);
        ASSERT_EQ(mesh.parts.front().kind, LeadPartKind::Shaft);
        const float outer = static_cast<float>(lead.radiusMm()) * (1.0f + options.contactRaiseFraction);
        for (std::size_t k = 0; k < lead.contacts.size(); ++k) {
            const device::Contact& contact = lead.contacts[k];
            SCOPED_TRACE(contact.name);
            const LeadPart* part = mesh.contactPart(static_cast<int>(k));
            ASSERT_NE(part, nullptr);
            ASSERT_GT(part->indexCount, 0u);
            EXPECT_EQ(part->indexCount % 3, 0u);
            float zMin = 1e9f, zMax = -1e9f;
            for (std::uint32_t i = part->firstIndex; i < part->firstIndex + part->indexCount; ++i) {
                const MeshVertex& v = mesh.mesh.vertices[mesh.mesh.indices[i]];
                const float r = std::hypot(v.position[0], v.position[1]);
                EXPECT_LE(r, outer + 1e-4f);
                zMin = std::min(zMin, v.position[2]);
                zMax = std::max(zMax, v.position[2]);
                const float normalLength = std::sqrt(v.normal[0] * v.normal[0] + v.normal[1] * v.normal[1] +
                                                     v.normal[2] * v.normal[2]);
                EXPECT_NEAR(normalLength, 1.0f, 1e-4f);
                if (contact.shape == device::ContactShape::Segment && r > 0.5f * outer) {
                    // Every vertex lies within the segment's arc (plus float slack).
                    const double angle = std::atan2(v.position[1], v.position[0]) * 180.0 / 3.14159265358979323846;
                    const double offset = std::remainder(angle - contact.angleDeg, 360.0);
                    EXPECT_LE(std::abs(offset), 0.5 * contact.arcDeg + 1e-3);
                }
            }
            EXPECT_NEAR(zMax, contact.zMaxMm, 1e-4);
            if (contact.shape == device::ContactShape::Tip) {
                EXPECT_LT(zMin, 1e-3f);  // the rounded tip reaches the lead's end
            } else {
                EXPECT_NEAR(zMin, contact.zMinMm, 1e-4);
            }
        }
        // Indices are in range.
        for (std::uint32_t index : mesh.mesh.indices) ASSERT_LT(index, mesh.mesh.vertices.size());
    }
}

TEST_F(LeadMeshes, AnchorsPointAtSegmentCentres) {
    for (const device::Lead& lead : catalog_.leads) {
        const auto anchors = contactAnchors(lead);
        ASSERT_EQ(anchors.size(), lead.contacts.size());
        for (std::size_t k = 0; k < anchors.size(); ++k) {
            EXPECT_NEAR(anchors[k].axisPointMm.z(), lead.contacts[k].centreZMm(), 1e-5);
            if (anchors[k].directional) {
                const double angle = std::atan2(anchors[k].facing.y(), anchors[k].facing.x()) * 180.0 / 3.14159265358979323846;
                EXPECT_NEAR(std::remainder(angle - lead.contacts[k].angleDeg, 360.0), 0.0, 1e-3);
            }
        }
    }
}

// ---- camera ----

TEST(OrbitCameraTest, TargetProjectsToViewportCentre) {
    OrbitCamera camera;
    camera.frame(1.5f, 9.0f);
    for (float yaw : {-35.0f, 0.0f, 90.0f, 200.0f}) {
        camera.setDirection(yaw, 20.0f);
        const auto centre = camera.project(camera.pose().targetMm, 800.0f, 600.0f);
        ASSERT_TRUE(centre.has_value());
        EXPECT_NEAR(centre->x(), 400.0f, 1e-2f);
        EXPECT_NEAR(centre->y(), 300.0f, 1e-2f);
    }
}

TEST(OrbitCameraTest, LeadAxisIsVerticalOnScreenAndProximalIsUp) {
    OrbitCamera camera;
    camera.frame(0.0f, 10.0f);
    camera.setDirection(30.0f, 0.0f);
    const auto tip = camera.project({0, 0, 0}, 800, 600);
    const auto top = camera.project({0, 0, 10}, 800, 600);
    ASSERT_TRUE(tip && top);
    EXPECT_NEAR(tip->x(), top->x(), 1e-2f);
    EXPECT_LT(top->y(), tip->y());  // +z up
}

TEST(OrbitCameraTest, FramingFitsTheContactsWithMargin) {
    OrbitCamera camera;
    camera.frame(1.5f, 9.0f);
    const auto low = camera.project({0, 0, 1.5f}, 800, 600);
    const auto high = camera.project({0, 0, 9.0f}, 800, 600);
    ASSERT_TRUE(low && high);
    EXPECT_GT(high->y(), 0.0f);
    EXPECT_LT(low->y(), 600.0f);
    EXPECT_GT(low->y() - high->y(), 0.4f * 600.0f);  // the contacts fill a good part of the view
}

TEST(OrbitCameraTest, OrbitZoomPanAndReset) {
    OrbitCamera camera;
    camera.frame(0.0f, 10.0f);
    const CameraPose home = camera.pose();
    camera.orbit(100.0f, 0.0f);
    EXPECT_NEAR(std::remainder(camera.pose().yawDeg - (home.yawDeg - 100.0f * OrbitCamera::kDegreesPerPixel), 360.0f),
                0.0f, 1e-3f);
    camera.orbit(0.0f, 1e6f);
    EXPECT_FLOAT_EQ(camera.pose().pitchDeg, OrbitCamera::kMaxPitchDeg);  // never flips over the pole
    camera.zoom(1.0f);
    EXPECT_NEAR(camera.pose().distanceMm, home.distanceMm * OrbitCamera::kZoomPerWheelStep, 1e-3f);
    camera.zoom(1e4f);
    EXPECT_FLOAT_EQ(camera.pose().distanceMm, OrbitCamera::kMinDistanceMm);
    camera.reset();
    // Panning keeps the point under the cursor: the target moves one pixel's worth per pixel.
    const auto before = camera.project(camera.pose().targetMm, 800, 600);
    const Eigen::Vector3f oldTarget = camera.pose().targetMm;
    camera.pan(50.0f, 0.0f, 600.0f);
    const auto after = camera.project(oldTarget, 800, 600);
    ASSERT_TRUE(before && after);
    EXPECT_NEAR(after->x() - before->x(), 50.0f, 0.5f);
    EXPECT_NEAR(after->y(), before->y(), 0.5f);
    camera.reset();
    EXPECT_FLOAT_EQ(camera.pose().yawDeg, home.yawDeg);
    EXPECT_FLOAT_EQ(camera.pose().distanceMm, home.distanceMm);
    EXPECT_TRUE(camera.pose().targetMm.isApprox(home.targetMm));
}

// ---- offscreen view ----

TEST(LeadViewGl, RendersCathodeIntoItsTextureAndResizes) {
    gui::GlWindow window(hidden());
    const device::Catalog catalog = device::loadCatalog(DBSPROG_TEST_MODELS_DIR);
    LeadView view;
    view.setLead(catalog.leads.front());
    std::vector<ContactState> states(catalog.leads.front().contacts.size(), ContactState::Off);
    states.front() = ContactState::Cathode;
    view.setContactStates(states);
    OrbitCamera camera;
    camera.frame(static_cast<float>(catalog.leads.front().contacts.front().zMinMm),
                 static_cast<float>(catalog.leads.front().contacts.back().zMaxMm));
    for (const auto& size : {std::pair{400, 300}, std::pair{640, 480}, std::pair{123, 77}}) {
        view.render(size.first, size.second, camera);
        const Image image = view.target().readPixels();
        ASSERT_EQ(image.width, size.first);
        ASSERT_EQ(image.height, size.second);
        long red = 0;
        for (int y = 0; y < image.height; ++y) {
            for (int x = 0; x < image.width; ++x) {
                red += gui::testing::isCathodeRed(gui::testing::pixelAt(image, x, y)) ? 1 : 0;
            }
        }
        EXPECT_GT(red, 20) << size.first << "x" << size.second;
    }
    EXPECT_TRUE(takeGlErrors().empty());
}

}  // namespace
}  // namespace dbsprog::render
