// dbsprog-gui run as a program: screenshot mode, no display, bad input.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

struct ProcessResult {
    int exitCode = -1;
    std::string output;  ///< stdout and stderr
};

ProcessResult runCommand(const std::string& command) {
    ProcessResult result;
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) return result;
    std::array<char, 4096> buffer{};
    while (const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) result.output.append(buffer.data(), n);
    const int status = pclose(pipe);
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

std::string quoted(const std::string& text) { return "'" + text + "'"; }

std::string gui() { return quoted(DBSPROG_GUI_PATH) + " --models " + quoted(DBSPROG_TEST_MODELS_DIR); }

TEST(GuiProgram, ScreenshotWritesAPngOfTheWindowAndPrintsItsPath) {
    const std::filesystem::path png = std::filesystem::temp_directory_path() / "dbsprog-gui-test-shot.png";
    std::filesystem::remove(png);
    const ProcessResult r = runCommand(gui() + " --width 1024 --height 700 --frames 2 --screenshot " + quoted(png.string()));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find(png.string()), std::string::npos) << r.output;
    // The headless run also summarises the session: the default patient and the program running.
    EXPECT_NE(r.output.find("Generalized dystonia (DYT-TOR1A)"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("C+ 1- 2.5V 90us 130Hz"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("Medtronic 3389"), std::string::npos) << r.output;
    std::ifstream in(png, std::ios::binary);
    std::array<unsigned char, 24> header{};
    in.read(reinterpret_cast<char*>(header.data()), header.size());
    ASSERT_TRUE(in.good());
    const std::array<unsigned char, 8> signature{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    EXPECT_TRUE(std::equal(signature.begin(), signature.end(), header.begin()));
    // IHDR width and height, big-endian, at bytes 16..23.
    auto be32 = [&](int at) {
        return (header[at] << 24) | (header[at + 1] << 16) | (header[at + 2] << 8) | header[at + 3];
    };
    EXPECT_EQ(be32(16), 1024);
    EXPECT_EQ(be32(20), 700);
    std::filesystem::remove(png);
}

TEST(GuiProgram, WithoutADisplayItSaysSoAndExitsNonZero) {
    const ProcessResult r = runCommand("env -u DISPLAY -u WAYLAND_DISPLAY " + gui() + " --frames 1");
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.output.find("cannot open a display"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("Segmentation"), std::string::npos);
}

TEST(GuiProgram, BadCaseOrProgramIsRefusedWithTheCoresMessage) {
    ProcessResult r = runCommand(gui() + " --case no-such-case --frames 1");
    EXPECT_EQ(r.exitCode, 2) << r.output;
    EXPECT_NE(r.output.find("no-such-case"), std::string::npos) << r.output;
    r = runCommand(gui() + " --program 'C+ 9- 3.0V 60us 130Hz' --frames 1");
    EXPECT_EQ(r.exitCode, 2) << r.output;
    EXPECT_NE(r.output.find("9"), std::string::npos) << r.output;
}

TEST(GuiProgram, UnwritableScreenshotPathIsAnErrorNotACrash) {
    const ProcessResult r = runCommand(gui() + " --frames 1 --screenshot /nonexistent-dir/shot.png");
    EXPECT_EQ(r.exitCode, 2) << r.output;
    EXPECT_NE(r.output.find("/nonexistent-dir/shot.png"), std::string::npos) << r.output;
}

}  // namespace
