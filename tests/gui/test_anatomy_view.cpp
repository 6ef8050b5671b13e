// The anatomy in the 3D view: geometry helpers on the CPU, then the renderer with a real virtual
// patient (structures, axons, field slice) and the whole window, judged by pixel statistics.
// Set DBSPROG_SNAPSHOT_DIR to also write the rendered images there as PNG, for a person to look at.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "dbsprog/device/program.hpp"
#include "dbsprog/field/field_grid.hpp"
#include "dbsprog/patient/case.hpp"
#include "dbsprog/patient/virtual_patient.hpp"
#include "gui/gl_window.hpp"
#include "gui/gui_app.hpp"
#include "gui/png_writer.hpp"
#include "gui_test_support.hpp"
#include "render/anatomy_view.hpp"
#include "render/gl.hpp"
#include "render/lead_view.hpp"

namespace dbsprog::render {
namespace {

using gui::testing::pixelAt;
using gui::testing::Rgb;

constexpr const char* kLowProgram = "C+ 1- 3.5V 90us 130Hz";
constexpr const char* kHighProgram = "C+ 1- 6.5V 90us 130Hz";
constexpr const char* kZeroProgram = "C+ 1- 0V 90us 130Hz";

void snapshot(const std::string& name, const Image& image) {
    if (const char* dir = std::getenv("DBSPROG_SNAPSHOT_DIR"); dir && *dir) {
        gui::writePng(std::string(dir) + "/" + name + ".png", image);
    }
}

/// Relative luminance-like lightness of an sRGB colour, 0..1 (for the colour-map ordering check).
float lightness(const Eigen::Vector3f& c) { return 0.2126f * c.x() + 0.7152f * c.y() + 0.0722f * c.z(); }

// ---- CPU ----

TEST(AnatomyViewCpu, ShortNamesUseAbbreviationsAndDropRemarks) {
    EXPECT_EQ(shortStructureName("globus pallidus internus (GPi)"), "GPi");
    EXPECT_EQ(shortStructureName("internal capsule (posterior limb)"), "internal capsule");
    EXPECT_EQ(shortStructureName("sensorimotor GPi (posteroventrolateral)"), "sensorimotor GPi");
    EXPECT_EQ(shortStructureName("optic tract"), "optic tract");
    EXPECT_EQ(shortStructureName("dorsolateral (motor) STN"), "dorsolateral STN");
    EXPECT_EQ(shortStructureName("ventral caudal nucleus (Vc, sensory thalamus)"), "Vc");
    EXPECT_EQ(shortStructureName("ventral oral nuclei (Voa/Vop)"), "Voa/Vop");
    EXPECT_EQ(shortStructureName("oculomotor nerve (CN III) fascicles"), "oculomotor nerve fascicles");
}

TEST(AnatomyViewCpu, ColourScaleIsLogarithmicClampedAndBrightensMonotonically) {
    EXPECT_FLOAT_EQ(fieldScalePosition(kFieldScaleMinVPerMm), 0.0f);
    EXPECT_FLOAT_EQ(fieldScalePosition(kFieldScaleMaxVPerMm), 1.0f);
    EXPECT_FLOAT_EQ(fieldScalePosition(0.0f), 0.0f);
    EXPECT_FLOAT_EQ(fieldScalePosition(100.0f), 1.0f);
    // Log scale: the geometric mean of the ends sits in the middle.
    EXPECT_NEAR(fieldScalePosition(std::sqrt(kFieldScaleMinVPerMm * kFieldScaleMaxVPerMm)), 0.5f, 1e-5f);
    constexpr int kSteps = 200;
    for (int i = 1; i <= kSteps; ++i) {
        const float t0 = static_cast<float>(i - 1) / kSteps, t1 = static_cast<float>(i) / kSteps;
        EXPECT_GT(lightness(fieldColour(t1)), lightness(fieldColour(t0))) << "at t = " << t1;
    }
}

TEST(AnatomyViewCpu, ThresholdFollowsTheTarget) {
    EXPECT_DOUBLE_EQ(activationThresholdVPerMm("GPi"), 0.2);
    EXPECT_DOUBLE_EQ(activationThresholdVPerMm("STN"), 0.19);
    EXPECT_DOUBLE_EQ(activationThresholdVPerMm("VIM"), 0.165);
    EXPECT_DOUBLE_EQ(activationThresholdVPerMm("somewhere"), 0.2);
}

TEST(AnatomyViewCpu, EllipsoidVerticesLieOnTheSurfaceWithOutwardNormalsAndWinding) {
    const Eigen::Vector3f centre(1.0f, -2.0f, 3.0f);
    const Eigen::Matrix3f axes = Eigen::AngleAxisf(0.7f, Eigen::Vector3f(1, 2, 3).normalized()).toRotationMatrix() *
                                 Eigen::Vector3f(2.0f, 5.0f, 1.5f).asDiagonal();
    const MeshData mesh = ellipsoidMesh(centre, axes, 16, 32);
    const Eigen::Matrix3f inverse = axes.inverse();
    for (const MeshVertex& v : mesh.vertices) {
        const Eigen::Vector3f p(v.position[0], v.position[1], v.position[2]);
        const Eigen::Vector3f n(v.normal[0], v.normal[1], v.normal[2]);
        EXPECT_NEAR((inverse * (p - centre)).norm(), 1.0f, 1e-4f);
        EXPECT_NEAR(n.norm(), 1.0f, 1e-4f);
        EXPECT_GT(n.dot(p - centre), 0.0f);
    }
    int faces = 0;
    for (std::size_t i = 0; i < mesh.indices.size(); i += 3) {
        auto at = [&](std::size_t k) {
            const float* p = mesh.vertices[mesh.indices[i + k]].position;
            return Eigen::Vector3f(p[0], p[1], p[2]);
        };
        const Eigen::Vector3f cross = (at(1) - at(0)).cross(at(2) - at(0));
        if (cross.norm() < 1e-6f) continue;  // collapsed triangles at the poles
        ++faces;
        EXPECT_GT(cross.dot((at(0) + at(1) + at(2)) / 3.0f - centre), 0.0f) << "triangle " << i / 3;
    }
    EXPECT_GT(faces, 16 * 32);
}

TEST(AnatomyViewCpu, SliceContainsTheLeadAxisAndFacesTheCamera) {
    constexpr float kYawDeg = -35.0f;
    const FieldSliceOptions options;
    const FieldSlice slice = fieldSliceFacing(kYawDeg, 0.75f, 10.5f, options);
    OrbitCamera camera;
    CameraPose pose;
    pose.yawDeg = kYawDeg;
    pose.pitchDeg = 0.0f;
    camera.setPose(pose);
    EXPECT_NEAR(slice.acrossMm.normalized().dot(camera.forward()), 0.0f, 1e-5f);
    EXPECT_NEAR(slice.alongMm.normalized().dot(Eigen::Vector3f::UnitZ()), 1.0f, 1e-6f);
    // The axis runs down the middle: the centre of the across extent is on it.
    const Eigen::Vector3f middle = slice.cornerMm + 0.5f * slice.acrossMm;
    EXPECT_NEAR(middle.head<2>().norm(), 0.0f, 1e-5f);
    EXPECT_NEAR(slice.cornerMm.z(), 0.75f - options.belowContactsMm, 1e-5f);
    EXPECT_NEAR((slice.cornerMm + slice.alongMm).z(), 10.5f + options.aboveContactsMm, 1e-5f);
    const Eigen::Matrix3Xd points = slice.texelCentresMm();
    ASSERT_EQ(points.cols(), static_cast<Eigen::Index>(options.texels) * options.texels);
    // Row-major from the bottom row, as glTexImage2D reads it.
    EXPECT_TRUE(points.col(1).isApprox(slice.texelCentreMm(1, 0).cast<double>()));
    EXPECT_TRUE(points.col(options.texels).isApprox(slice.texelCentreMm(0, 1).cast<double>()));
}

class AnatomyWithPatient : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        patient_ = std::make_shared<const patient::VirtualPatient>(
            patient::findCase(DBSPROG_TEST_MODELS_DIR, patient::kDefaultCaseId), DBSPROG_TEST_MODELS_DIR);
    }
    static void TearDownTestSuite() { patient_.reset(); }
    static std::shared_ptr<const patient::VirtualPatient> patient_;
};
std::shared_ptr<const patient::VirtualPatient> AnatomyWithPatient::patient_;

TEST_F(AnatomyWithPatient, StructuresAreTheAnatomyMovedIntoTheLeadFrame) {
    const auto shapes = structureShapes(patient_->anatomy(), patient_->anatomyToLead());
    ASSERT_EQ(shapes.size(), patient_->anatomy().structures.size());
    for (std::size_t i = 0; i < shapes.size(); ++i) {
        const patient::Structure& structure = patient_->anatomy().structures[i];
        SCOPED_TRACE(structure.id);
        const Eigen::Isometry3d leadToAnatomy = patient_->anatomyToLead().inverse();
        EXPECT_TRUE(structure.contains(leadToAnatomy * shapes[i].centreMm.cast<double>()));
        // Just inside and just outside the drawn surface agree with the anatomy's own test.
        for (const Eigen::Vector3f& direction : {Eigen::Vector3f(1, 0, 0), Eigen::Vector3f(0.3f, -1, 0.5f)}) {
            const Eigen::Vector3f surface = shapes[i].surfacePoint(direction);
            const Eigen::Vector3f outward = (surface - shapes[i].centreMm) * 0.02f;
            EXPECT_TRUE(structure.contains(leadToAnatomy * (surface - outward).cast<double>()));
            EXPECT_FALSE(structure.contains(leadToAnatomy * (surface + outward).cast<double>()));
        }
    }
}

TEST_F(AnatomyWithPatient, FramingKeepsTheContactsAndNearbyStructuresInView) {
    const auto shapes = structureShapes(patient_->anatomy(), patient_->anatomyToLead());
    const device::Lead& lead = patient_->lead();
    const auto zMin = static_cast<float>(lead.contacts.front().zMinMm), zMax = static_cast<float>(lead.contacts.back().zMaxMm);
    OrbitCamera leadOnly;
    leadOnly.frame(zMin, zMax);
    constexpr float kWidthPx = 800.0f, kHeightPx = 500.0f;
    OrbitCamera camera;
    camera.setPose(poseFraming(leadOnly.home(), zMin, zMax, shapes, kWidthPx / kHeightPx));
    EXPECT_GE(camera.pose().distanceMm, leadOnly.home().distanceMm);
    EXPECT_FLOAT_EQ(camera.pose().targetMm.x(), 0.0f);  // the lead stays in the middle
    EXPECT_FLOAT_EQ(camera.pose().targetMm.y(), 0.0f);
    for (const StructureShape& shape : shapes) {
        const auto at = camera.project(shape.centreMm, kWidthPx, kHeightPx);
        ASSERT_TRUE(at) << shape.id;
        EXPECT_GE(at->x(), 0.0f) << shape.id;
        EXPECT_LE(at->x(), kWidthPx) << shape.id;
        EXPECT_GE(at->y(), 0.0f) << shape.id;
        EXPECT_LE(at->y(), kHeightPx) << shape.id;
    }
}

// ---- GL: the renderer with a patient ----

gui::WindowOptions hiddenWindow() {
    gui::WindowOptions options;
    options.visible = false;
    options.vsync = false;
    options.widthPx = 320;
    options.heightPx = 240;
    return options;
}

/// The firing colour of the target pathway (green, lifted toward white) at any ribbon shading.
bool isFiringGreen(const Rgb& c) { return c.g > 150 && c.g > c.r + 25 && c.g > c.b + 15; }
/// GPi blue as the translucent shell shows it over the dark background.
bool isShellBlue(const Rgb& c) { return c.b > 70 && c.b > c.r + 35 && c.b > c.g + 8; }
/// Warm field colours (red to yellow) on the slice, translucent over the dark background.
bool isFieldWarm(const Rgb& c) { return c.r > 90 && c.r > c.b + 40 && c.r >= c.g; }

struct PixelCounts {
    long firingGreen = 0;
    long shellBlue = 0;
    long fieldWarm = 0;
};

PixelCounts countPixels(const Image& image) {
    PixelCounts counts;
    for (int y = 0; y < image.height; ++y) {
        for (int x = 0; x < image.width; ++x) {
            const Rgb c = pixelAt(image, x, y);
            counts.firingGreen += isFiringGreen(c) ? 1 : 0;
            counts.shellBlue += isShellBlue(c) ? 1 : 0;
            counts.fieldWarm += isFieldWarm(c) ? 1 : 0;
        }
    }
    return counts;
}

class AnatomyViewGl : public AnatomyWithPatient {
protected:
    static constexpr int kWidthPx = 640;
    static constexpr int kHeightPx = 480;

    void SetUp() override {
        window_ = std::make_unique<gui::GlWindow>(hiddenWindow());
        view_ = std::make_unique<LeadView>();
        view_->setLead(patient_->lead());
        view_->options.showGrid = false;
        view_->setAnatomySource([this] { return AnatomyScene{patient_, &evaluation_, revision_}; });
        const LeadMesh& mesh = view_->leadMesh();
        camera_.frame(mesh.contactsMinZMm, mesh.contactsMaxZMm);
        view_->syncAnatomy(camera_);
        camera_.setHome(poseFraming(camera_.home(), mesh.contactsMinZMm, mesh.contactsMaxZMm,
                                    view_->anatomy().structures(), static_cast<float>(kWidthPx) / kHeightPx));
    }
    void TearDown() override {
        view_.reset();
        window_.reset();
    }

    void runProgram(const std::string& text) {
        const device::Program program = device::parseProgram(text);
        evaluation_ = patient_->evaluate(program);
        ++revision_;
    }
    Image render(const std::string& snapshotName) {
        view_->render(kWidthPx, kHeightPx, camera_);
        Image image = view_->target().readPixels();
        snapshot(snapshotName, image);
        return image;
    }

    std::unique_ptr<gui::GlWindow> window_;
    std::unique_ptr<LeadView> view_;
    OrbitCamera camera_;
    patient::Evaluation evaluation_;
    int revision_ = 0;
};

TEST_F(AnatomyViewGl, DrawsStructuresFibresAndFieldWithoutGlErrors) {
    runProgram(kLowProgram);
    const PixelCounts all = countPixels(render("anatomy_low"));
    EXPECT_GT(view_->anatomy().firingAxonCount(), 0);
    EXPECT_GT(view_->anatomy().sliceMaxVPerMm(), view_->anatomy().thresholdVPerMm());
    EXPECT_GT(all.shellBlue, 500);
    EXPECT_GT(all.firingGreen, 200);
    EXPECT_TRUE(takeGlErrors().empty());
    // For the README, not asserted (DESIGN.md: benchmarks are programs, not timed tests).
    RecordProperty("slice_unit_solutions_ms", std::to_string(view_->anatomy().lastSliceBuildMs()));
    RecordProperty("evaluation_recolour_ms", std::to_string(view_->anatomy().lastEvaluationMs()));
    std::printf("slice unit solutions %.1f ms (once per case); per evaluation %.2f ms\n",
                view_->anatomy().lastSliceBuildMs(), view_->anatomy().lastEvaluationMs());

    // Each layer's own pixels go when its toggle is off. The VTA surface shares the field's warm
    // colours: off here, so warm pixels are the slice's (its own test is below).
    AnatomyViewOptions& options = view_->anatomy().options;
    options.showVta = false;
    options.showStructures = false;
    EXPECT_LT(countPixels(render("anatomy_no_structures")).shellBlue, all.shellBlue / 4);
    options.showFibres = false;
    const long fieldAlone = countPixels(render("anatomy_field_alone")).fieldWarm;
    EXPECT_GT(fieldAlone, 500);  // the capsule's orange is off too: warm pixels are the field's
    options.showField = false;
    EXPECT_LT(countPixels(render("anatomy_lead_alone")).fieldWarm, fieldAlone / 10);
    options.showStructures = true;
    options.showField = true;
    EXPECT_LT(countPixels(render("anatomy_no_fibres")).firingGreen, all.firingGreen / 10);
    EXPECT_TRUE(takeGlErrors().empty());
}

TEST_F(AnatomyViewGl, MoreFibresLightUpAtHighAmplitudeThanAtZero) {
    runProgram(kZeroProgram);
    const PixelCounts zero = countPixels(render("anatomy_zero"));
    EXPECT_EQ(view_->anatomy().firingAxonCount(), 0);
    EXPECT_FLOAT_EQ(view_->anatomy().sliceMaxVPerMm(), 0.0f);
    runProgram(kLowProgram);
    view_->syncAnatomy(camera_);
    const int firingLow = view_->anatomy().firingAxonCount();
    EXPECT_GT(firingLow, 0);
    runProgram(kHighProgram);
    const PixelCounts high = countPixels(render("anatomy_high"));
    EXPECT_GT(view_->anatomy().firingAxonCount(), firingLow);
    EXPECT_GT(high.firingGreen, zero.firingGreen + 500);
    EXPECT_TRUE(takeGlErrors().empty());
}

TEST_F(AnatomyViewGl, RecoloursOnlyWhenTheRevisionChanges) {
    runProgram(kHighProgram);
    render("anatomy_revision");
    const int firing = view_->anatomy().firingAxonCount();
    ASSERT_GT(firing, 0);
    // A new evaluation without a new revision is not picked up: no per-frame rebuild.
    evaluation_ = patient_->evaluate(device::parseProgram(kZeroProgram));
    view_->syncAnatomy(camera_);
    EXPECT_EQ(view_->anatomy().firingAxonCount(), firing);
    ++revision_;
    view_->syncAnatomy(camera_);
    EXPECT_EQ(view_->anatomy().firingAxonCount(), 0);
}

TEST_F(AnatomyViewGl, MovingCameraDrawsCoarseThenFullImageOfTheSameScene) {
    runProgram(kLowProgram);
    const PixelCounts still = countPixels(render("anatomy_still"));
    EXPECT_FALSE(view_->lastRenderInteractive());
    // A turn (as a mouse drag would make) and back: the first render at the new pose is coarse...
    camera_.orbit(10.0f, 0.0f);
    render("anatomy_turned");
    camera_.orbit(-10.0f, 0.0f);
    const PixelCounts moving = countPixels(render("anatomy_moving"));
    EXPECT_TRUE(view_->lastRenderInteractive());
    // ...yet shows the same scene: every layer within 25 % of its full-quality pixel count.
    EXPECT_NEAR(moving.shellBlue, still.shellBlue, 0.25 * still.shellBlue);
    EXPECT_NEAR(moving.firingGreen, still.firingGreen, 0.25 * still.firingGreen);
    EXPECT_NEAR(moving.fieldWarm, still.fieldWarm, 0.25 * still.fieldWarm);
    // At rest the next render is full quality again, and then nothing is redrawn.
    const Image rest = render("anatomy_rest");
    EXPECT_FALSE(view_->lastRenderInteractive());
    EXPECT_EQ(countPixels(rest).firingGreen, still.firingGreen);
    // A screenshot never gets the coarse image.
    camera_.orbit(10.0f, 0.0f);
    view_->render(kWidthPx, kHeightPx, camera_, /*fullQuality=*/true);
    EXPECT_FALSE(view_->lastRenderInteractive());
    EXPECT_TRUE(takeGlErrors().empty());
}

TEST_F(AnatomyViewGl, NoPatientDrawsTheLeadAlone) {
    view_->setAnatomySource([] { return AnatomyScene{}; });
    const Image image = render("anatomy_none");
    EXPECT_EQ(view_->anatomy().patient(), nullptr);
    EXPECT_EQ(countPixels(image).firingGreen, 0);
    long grey = 0;
    for (int y = 0; y < image.height; ++y) {
        for (int x = 0; x < image.width; ++x) grey += gui::testing::isLeadGrey(pixelAt(image, x, y)) ? 1 : 0;
    }
    EXPECT_GT(grey, 100);
    EXPECT_TRUE(takeGlErrors().empty());
}

/// The VTA surface's tint over the dark background or the lead: red above green and blue (the
/// background and the lead are neutral or bluish), but far less red than the cathode contact itself.
bool isVtaTint(const Rgb& c) { return c.r > 40 && c.r > c.g + 10 && c.r > c.b + 6 && c.r - c.g < 110; }

long countVtaTint(const Image& image) {
    long count = 0;
    for (int y = 0; y < image.height; ++y) {
        for (int x = 0; x < image.width; ++x) count += isVtaTint(pixelAt(image, x, y)) ? 1 : 0;
    }
    return count;
}

// Pixel counts at 640 x 480 with only the lead and the VTA drawn (measured: about 11000 at 3.5 V, none
// with the surface off): a tenth of that is a clear signal.
constexpr long kVtaMinPixels = 1000;

TEST_F(AnatomyViewGl, VtaSurfaceIsDrawnAndFollowsItsToggle) {
    runProgram(kLowProgram);
    view_->syncAnatomy(camera_);
    AnatomyView& anatomy = view_->anatomy();
    ASSERT_TRUE(anatomy.vtaGridReady());  // a ring lead: built with the patient, no waiting
    EXPECT_GT(anatomy.vtaTriangleCount(), 0u);
    EXPECT_GT(anatomy.vtaVolumeMm3(), 0.0);
    std::printf("VTA grid %.1f ms (once per case); per evaluation %.2f ms, %zu triangles, %.1f mm^3\n",
                anatomy.lastVtaGridBuildMs(), anatomy.lastVtaEvaluationMs(), anatomy.vtaTriangleCount(), anatomy.vtaVolumeMm3());
    RecordProperty("vta_grid_ms", std::to_string(anatomy.lastVtaGridBuildMs()));
    RecordProperty("vta_evaluation_ms", std::to_string(anatomy.lastVtaEvaluationMs()));

    // Alone with the lead, so its pixels are the only warm ones besides the cathode.
    anatomy.options.showStructures = false;
    anatomy.options.showFibres = false;
    anatomy.options.showField = false;
    const long on = countVtaTint(render("vta_alone"));
    anatomy.options.showVta = false;
    const long off = countVtaTint(render("vta_off"));
    std::printf("VTA pixels %ld with the surface, %ld without\n", on, off);
    EXPECT_GT(on, kVtaMinPixels);
    EXPECT_LT(off, on / 20);
    // With every layer: the surface still changes the image where it is.
    anatomy.options.showStructures = anatomy.options.showFibres = anatomy.options.showField = true;
    const Image without = render("vta_all_off");
    anatomy.options.showVta = true;
    const Image with = render("vta_all_on");
    long changed = 0;
    for (int y = 0; y < with.height; ++y) {
        for (int x = 0; x < with.width; ++x) {
            const Rgb a = pixelAt(with, x, y), b = pixelAt(without, x, y);
            changed += std::abs(a.r - b.r) + std::abs(a.g - b.g) + std::abs(a.b - b.b) > 12 ? 1 : 0;
        }
    }
    EXPECT_GT(changed, kVtaMinPixels);
    // Turned a quarter (the slice edge-on, its contour gone), the surface still shows the volume.
    camera_.setDirection(camera_.pose().yawDeg + 90.0f, camera_.pose().pitchDeg);
    anatomy.options.showStructures = anatomy.options.showFibres = false;
    view_->render(kWidthPx, kHeightPx, camera_, /*fullQuality=*/true);
    const Image side = view_->target().readPixels();
    snapshot("vta_side", side);
    EXPECT_GT(countVtaTint(side), kVtaMinPixels);
    EXPECT_TRUE(takeGlErrors().empty());
}

TEST_F(AnatomyViewGl, VtaGrowsWithAmplitudeAndIsEmptyAtZero) {
    AnatomyView& anatomy = view_->anatomy();
    anatomy.options.showStructures = false;
    anatomy.options.showFibres = false;
    anatomy.options.showField = false;
    runProgram(kZeroProgram);
    const long zeroPixels = countVtaTint(render("vta_zero"));
    EXPECT_EQ(anatomy.vtaTriangleCount(), 0u);
    EXPECT_EQ(anatomy.vtaVolumeMm3(), 0.0);
    runProgram(kLowProgram);
    const long lowPixels = countVtaTint(render("vta_low"));
    const double lowMm3 = anatomy.vtaVolumeMm3();
    runProgram(kHighProgram);
    const long highPixels = countVtaTint(render("vta_high"));
    const double highMm3 = anatomy.vtaVolumeMm3();
    std::printf("VTA pixels %ld / %ld / %ld and volume %.1f / %.1f mm^3 at 0 / 3.5 / 6.5 V\n", zeroPixels, lowPixels,
                highPixels, lowMm3, highMm3);
    EXPECT_LT(zeroPixels, kVtaMinPixels / 10);
    EXPECT_GT(lowPixels, zeroPixels + kVtaMinPixels);
    // A point source's VTA grows as current^1.5 (radius ~ sqrt(I)): 6.5 / 3.5 V gives about 2.5 x the
    // volume; at least 1.5 x leaves room for the lead's shape. Its outline grows about 1.5 x in area.
    EXPECT_GT(highMm3, 1.5 * lowMm3);
    EXPECT_GT(highPixels, lowPixels + lowPixels / 5);
    EXPECT_TRUE(takeGlErrors().empty());
}

TEST_F(AnatomyViewGl, VtaVolumeAgreesWithTheVoxelCount) {
    // An independent count on its own grid around the cathode (contact 1), with the evaluation's currents.
    runProgram(kLowProgram);
    view_->syncAnatomy(camera_);
    const Eigen::VectorXd currentsMa = patient_->contactCurrentsMa(evaluation_.program);
    constexpr double kRegionSideMm = 12.0, kRegionSpacingMm = 0.5;  // holds the 3.5 V VTA, as the view's grid
    const field::FieldGrid grid(patient_->conductor(),
                                field::RegionGrid::cube(Eigen::Vector3d(0.0, 0.0, patient_->lead().contacts[1].centreZMm()),
                                                        kRegionSideMm, kRegionSpacingMm),
                                2);
    const double voxelsMm3 = grid.activatedVolumeMm3(currentsMa, view_->anatomy().thresholdVPerMm());
    ASSERT_GT(voxelsMm3, 0.0);
    // Mesh and voxel count differ mostly at the lead (tests/field/test_isosurface.cpp: +3.9 % at 0.5 mm).
    constexpr double kAgreementFraction = 0.08;
    std::printf("VTA %.1f mm^3 from the view's surface, %.1f mm^3 voxel count\n", view_->anatomy().vtaVolumeMm3(), voxelsMm3);
    EXPECT_NEAR(view_->anatomy().vtaVolumeMm3(), voxelsMm3, kAgreementFraction * voxelsMm3);
}

// ---- the whole window ----

TEST(AnatomyInWindow, DefaultCaseShowsAnatomyAndFollowsAmplitudeInTheSameFrame) {
    gui::GuiApp app(gui::testing::hiddenWindow());
    for (int i = 0; i < 3; ++i) app.runFrame();
    const render::Image before = app.runFrameAndCapture();
    const gui::PixelRect view = app.layout().viewImage;
    auto countIn = [&](const render::Image& image) {
        PixelCounts counts;
        for (int y = view.y; y < view.y + view.height; ++y) {
            for (int x = view.x; x < view.x + view.width; ++x) {
                const Rgb c = pixelAt(image, x, y);
                counts.firingGreen += isFiringGreen(c) ? 1 : 0;
                counts.shellBlue += isShellBlue(c) ? 1 : 0;
            }
        }
        return counts;
    };
    snapshot("window_default", before);
    ASSERT_NE(app.simulation().patient, nullptr);
    EXPECT_GT(countIn(before).shellBlue, 200);

    // The amplitude is applied inside the next frame; that same frame already shows its fibres.
    app.setSetting(gui::Setting::Amplitude, 0.0);
    const render::Image off = app.runFrameAndCapture();
    app.setSetting(gui::Setting::Amplitude, 6.5);
    const render::Image high = app.runFrameAndCapture();
    snapshot("window_zero", off);
    snapshot("window_high", high);
    EXPECT_GT(app.leadView().anatomy().firingAxonCount(), 0);
    EXPECT_GT(countIn(high).firingGreen, countIn(off).firingGreen + 300);
    EXPECT_TRUE(app.takeGlErrors().empty());
}

TEST(AnatomyInWindow, AnotherCaseRebuildsTheAnatomyAndReframes) {
    gui::GuiApp app(gui::testing::hiddenWindow());
    for (int i = 0; i < 3; ++i) app.runFrame();
    const float gpiDistance = app.ui().camera.home().distanceMm;
    app.openCase("pd-tremor-stn");
    for (int i = 0; i < 3; ++i) app.runFrame();
    snapshot("window_stn", app.runFrameAndCapture());
    const AnatomyView& anatomy = app.leadView().anatomy();
    ASSERT_NE(anatomy.patient(), nullptr);
    EXPECT_EQ(anatomy.patient(), app.simulation().patient);
    EXPECT_EQ(anatomy.structures().size(), app.simulation().patient->anatomy().structures.size());
    EXPECT_DOUBLE_EQ(anatomy.thresholdVPerMm(), 0.19);
    // The home view was refitted to this anatomy (a different target, so a different extent).
    EXPECT_NE(app.ui().camera.home().distanceMm, gpiDistance);
    EXPECT_TRUE(app.takeGlErrors().empty());
}

TEST(AnatomyInWindow, SegmentedLeadVtaArrivesFromTheBackground) {
    // A directional lead's field is not axisymmetric: its VTA grid builds on a worker thread while the
    // window keeps drawing, and the surface appears in the frame that takes the finished grid.
    gui::GuiApp app(gui::testing::hiddenWindow());
    app.openCase("gpi-directional-medial");
    const AnatomyView& anatomy = app.leadView().anatomy();
    const int generation = anatomy.vtaGridGeneration();
    constexpr double kTimeoutS = 120.0;  // seconds of build on one core; generous for a loaded machine
    const auto start = std::chrono::steady_clock::now();
    const auto ready = [&] { return anatomy.patient() == app.simulation().patient && anatomy.vtaGridReady(); };
    while (!ready() && std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < kTimeoutS) {
        app.runFrame();
    }
    ASSERT_TRUE(ready());
    EXPECT_GT(anatomy.vtaGridGeneration(), generation);
    // The case arrives stimulating: its surface is already there.
    ASSERT_TRUE(app.simulation().evaluation.stimulating);
    EXPECT_GT(anatomy.vtaTriangleCount(), 0u);
    EXPECT_GT(anatomy.vtaVolumeMm3(), 0.0);
    std::printf("directional VTA grid %.0f ms in the background\n", anatomy.lastVtaGridBuildMs());
    EXPECT_TRUE(app.takeGlErrors().empty());
}

}  // namespace
}  // namespace dbsprog::render
