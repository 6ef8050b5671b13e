// NIfTI-1 output read back by the reference implementation (nifti1_io) and by our reader.
#include <gtest/gtest.h>
#include <nifti1_io.h>

#include <filesystem>

#include "dbsprog/error.hpp"
#include "dbsprog/io/nifti.hpp"
#include "dbsprog/io/paths.hpp"

using namespace dbsprog;

namespace {
io::Volume sampleVolume() {
    io::Volume v;
    v.dims = {5, 4, 3};
    v.spacingMm = {0.5, 0.5, 0.5};
    v.originMm = Eigen::Vector3d(-1.0, -0.75, 2.0);
    v.description = "dbsprog test volume";
    for (int k = 0; k < 3; ++k)
        for (int j = 0; j < 4; ++j)
            for (int i = 0; i < 5; ++i) v.values.push_back(static_cast<float>(i + 10 * j + 100 * k));
    return v;
}
std::string tempPath(const std::string& name) { return (std::filesystem::temp_directory_path() / name).string(); }
}  // namespace

TEST(Nifti, ReferenceReaderSeesOurGeometryAndValues) {
    const auto v = sampleVolume();
    const std::string path = tempPath("dbsprog_test.nii");
    io::writeNifti(path, v);
    nifti_image* img = nifti_image_read(path.c_str(), 1);
    ASSERT_NE(img, nullptr);
    EXPECT_EQ(img->ndim, 3);
    EXPECT_EQ(img->nx, 5);
    EXPECT_EQ(img->ny, 4);
    EXPECT_EQ(img->nz, 3);
    EXPECT_EQ(img->datatype, NIFTI_TYPE_FLOAT32);
    EXPECT_EQ(img->xyz_units, NIFTI_UNITS_MM);
    EXPECT_FLOAT_EQ(img->dx, 0.5f);
    // Voxel (i, j, k) -> mm through both affines.
    for (const auto& m : {img->sto_xyz, img->qto_xyz}) {
        const int i = 3, j = 2, k = 1;
        const Eigen::Vector3d expected = v.voxelCentreMm(i, j, k);
        for (int r = 0; r < 3; ++r) EXPECT_NEAR(m.m[r][0] * i + m.m[r][1] * j + m.m[r][2] * k + m.m[r][3], expected(r), 1e-6);
    }
    const float* data = static_cast<const float*>(img->data);
    EXPECT_FLOAT_EQ(data[v.index(3, 2, 1)], 3 + 20 + 100);
    EXPECT_STREQ(img->descrip, "dbsprog test volume");
    nifti_image_free(img);
    std::filesystem::remove(path);
}

TEST(Nifti, RoundTripThroughOurReader) {
    const auto v = sampleVolume();
    const std::string path = tempPath("dbsprog_roundtrip.nii");
    io::writeNifti(path, v);
    const auto back = io::readNifti(path);
    EXPECT_EQ(back.dims, v.dims);
    EXPECT_EQ(back.values, v.values);
    EXPECT_TRUE(back.originMm.isApprox(v.originMm));
    EXPECT_EQ(back.description, v.description);
    std::filesystem::remove(path);
}

TEST(Nifti, BadInputIsAnErrorNotACrash) {
    io::Volume bad = sampleVolume();
    bad.values.pop_back();
    EXPECT_THROW(io::writeNifti(tempPath("dbsprog_bad.nii"), bad), InputError);
    const std::string junk = tempPath("dbsprog_junk.nii");
    io::writeFileAtomic(junk, "not a nifti file");
    EXPECT_THROW(io::readNifti(junk), InputError);
    std::filesystem::remove(junk);
}

TEST(AtomicWrite, ReplacesWholeFileAndLeavesNoTemporaries) {
    const auto dir = std::filesystem::temp_directory_path() / "dbsprog_atomic";
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "out.txt").string();
    io::writeFileAtomic(path, "first");
    io::writeFileAtomic(path, "second, longer");
    EXPECT_EQ(io::readFile(path), "second, longer");
    int files = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++files;
    EXPECT_EQ(files, 1);
    EXPECT_THROW(io::writeFileAtomic((dir / "no/such/dir/out.txt").string(), "x"), InputError);
    std::filesystem::remove_all(dir);
}
