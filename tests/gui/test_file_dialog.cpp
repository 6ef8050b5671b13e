// The case file dialog: browsing logic on a temporary folder (no window), then the dialog and
// openCaseFile in the real window: a valid file switches the patient, a malformed one is refused
// with its name on screen while the open case, program and history stay.
#include <gtest/gtest.h>

#include <imgui.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gui/file_dialog.hpp"
#include "gui/gui_app.hpp"
#include "gui/png_writer.hpp"
#include "gui_test_support.hpp"

namespace dbsprog::gui {
namespace {

namespace fs = std::filesystem;

void snapshot(const std::string& name, const render::Image& image) {
    if (const char* dir = std::getenv("DBSPROG_SNAPSHOT_DIR"); dir && *dir) writePng(std::string(dir) + "/" + name + ".png", image);
}

/// Between frames: whether ImGui has any popup (the modal) open.
bool anyPopupOpen() { return ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel); }

void writeText(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

std::string readText(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> names(const std::vector<FolderEntry>& entries) {
    std::vector<std::string> out;
    for (const FolderEntry& e : entries) out.push_back(e.isFolder ? e.name + "/" : e.name);
    return out;
}

/// A fresh folder per test under the system temp folder, removed afterwards.
class TempFolder {
public:
    explicit TempFolder(const std::string& name) : root_(fs::temp_directory_path() / ("dbsprog_file_dialog_" + name)) {
        fs::remove_all(root_);
        fs::create_directories(root_);
    }
    ~TempFolder() {
        std::error_code ec;
        fs::permissions(root_ / "locked", fs::perms::owner_all, ec);  // so remove_all can enter it
        fs::remove_all(root_, ec);
    }
    const fs::path& path() const { return root_; }
    std::string str() const { return root_.string(); }

private:
    fs::path root_;
};

/// Folders, case files in mixed case, other files and hidden ones.
void fillSampleTree(const fs::path& root) {
    fs::create_directories(root / "Beta");
    fs::create_directories(root / "alpha");
    fs::create_directories(root / ".cache");
    writeText(root / "zeta.json", "{}");
    writeText(root / "Alpha.JSON", "{}");
    writeText(root / "b.json", std::string(1536, ' '));
    writeText(root / "notes.txt", "not a case");
    writeText(root / ".secret.json", "{}");
    writeText(root / "alpha" / "inner.json", "{}");
}

// ---- browsing logic, no window ----

TEST(FileDialogLogic, CaseInsensitiveOrderIsTotal) {
    EXPECT_TRUE(lessCaseInsensitive("apple", "Banana"));
    EXPECT_FALSE(lessCaseInsensitive("Banana", "apple"));
    EXPECT_TRUE(lessCaseInsensitive("b", "C"));
    // Equal ignoring case: the exact bytes decide, so sorting is deterministic.
    EXPECT_TRUE(lessCaseInsensitive("Case", "case"));
    EXPECT_FALSE(lessCaseInsensitive("case", "Case"));
    EXPECT_FALSE(lessCaseInsensitive("same", "same"));
    EXPECT_TRUE(lessCaseInsensitive("ab", "abc"));
}

TEST(FileDialogLogic, ExtensionHiddenNamesAndSizes) {
    EXPECT_TRUE(matchesExtension("case.json", ".json"));
    EXPECT_TRUE(matchesExtension("CASE.JSON", ".json"));
    EXPECT_FALSE(matchesExtension("case.json.bak", ".json"));
    EXPECT_FALSE(matchesExtension("json", ".json"));
    EXPECT_FALSE(matchesExtension(".json", ".json"));
    EXPECT_TRUE(matchesExtension("notes.txt", ""));
    EXPECT_TRUE(isHiddenName(".secret.json"));
    EXPECT_FALSE(isHiddenName("visible.json"));
    EXPECT_EQ(formatFileSize(0), "0 B");
    EXPECT_EQ(formatFileSize(1023), "1023 B");
    EXPECT_EQ(formatFileSize(1536), "1.5 KB");
    EXPECT_EQ(formatFileSize(5u * 1024u * 1024u), "5.0 MB");
}

TEST(FileDialogLogic, PathsAreNormalisedAndAbsolute) {
    EXPECT_EQ(normalizeFolderPath("/usr/share/../lib/"), "/usr/lib");
    EXPECT_EQ(normalizeFolderPath("/usr//lib/./"), "/usr/lib");
    EXPECT_EQ(normalizeFolderPath("/"), "/");
    EXPECT_EQ(normalizeFolderPath("  /usr/lib \n"), "/usr/lib");
    EXPECT_EQ(normalizeFolderPath(""), fs::current_path().string());
    EXPECT_EQ(normalizeFolderPath("some/relative"), (fs::current_path() / "some" / "relative").string());
    if (const char* home = std::getenv("HOME"); home && *home && home[1] != '\0') {
        EXPECT_EQ(normalizeFolderPath("~/cases"), normalizeFolderPath(std::string(home) + "/cases"));
    }
    EXPECT_EQ(parentFolder("/usr/lib"), "/usr");
    EXPECT_EQ(parentFolder("/usr/lib/"), "/usr");
    EXPECT_EQ(parentFolder("/"), "/");
}

TEST(FileDialogLogic, ListsFoldersFirstThenJsonFilesSortedWithoutHidden) {
    TempFolder temp("listing");
    fillSampleTree(temp.path());
    const FolderListing listing = listFolder(temp.str() + "/", ListingOptions{});
    ASSERT_TRUE(listing.ok()) << listing.error;
    EXPECT_EQ(listing.folder, temp.str());
    EXPECT_EQ(names(listing.entries), (std::vector<std::string>{"alpha/", "Beta/", "Alpha.JSON", "b.json", "zeta.json"}));
    EXPECT_EQ(listing.entries[3].sizeBytes, 1536u);

    ListingOptions all;
    all.showHidden = true;
    all.extension = "";
    EXPECT_EQ(names(listFolder(temp.str(), all).entries),
              (std::vector<std::string>{".cache/", "alpha/", "Beta/", ".secret.json", "Alpha.JSON", "b.json", "notes.txt",
                                        "zeta.json"}));
}

TEST(FileDialogLogic, MissingOrNonFolderPathIsAnErrorNotAnException) {
    TempFolder temp("missing");
    fillSampleTree(temp.path());
    FolderListing missing;
    EXPECT_NO_THROW(missing = listFolder((temp.path() / "gone").string(), ListingOptions{}));
    EXPECT_FALSE(missing.ok());
    EXPECT_NE(missing.error.find((temp.path() / "gone").string()), std::string::npos) << missing.error;
    EXPECT_TRUE(missing.entries.empty());

    const FolderListing file = listFolder((temp.path() / "zeta.json").string(), ListingOptions{});
    EXPECT_FALSE(file.ok());
    EXPECT_NE(file.error.find("not a folder"), std::string::npos) << file.error;
    // A path through a file: the system's reason, still no exception.
    const FolderListing through = listFolder((temp.path() / "zeta.json" / "sub").string(), ListingOptions{});
    EXPECT_FALSE(through.ok());
}

TEST(FileDialogLogic, UnreadableFolderGivesAMessage) {
    TempFolder temp("locked");
    fs::create_directories(temp.path() / "locked" / "inside");
    fs::permissions(temp.path() / "locked", fs::perms::none);
    std::error_code probe;
    fs::directory_iterator tryOpen(temp.path() / "locked", probe);
    if (!probe) GTEST_SKIP() << "permissions do not stop this user reading folders (root)";
    FolderListing listing;
    EXPECT_NO_THROW(listing = listFolder((temp.path() / "locked").string(), ListingOptions{}));
    EXPECT_FALSE(listing.ok());
    EXPECT_NE(listing.error.find("locked"), std::string::npos) << listing.error;

    FileBrowser browser;
    browser.open(temp.str());
    EXPECT_FALSE(browser.enter("locked"));
    EXPECT_EQ(browser.folder(), temp.str());  // still showing the folder it was in
    EXPECT_FALSE(browser.error().empty());
}

TEST(FileDialogBrowser, EntersFoldersGoesUpAndConfirmsAFile) {
    TempFolder temp("browse");
    fillSampleTree(temp.path());
    FileBrowser browser;
    browser.open(temp.str());
    EXPECT_TRUE(browser.isOpen());
    EXPECT_EQ(browser.folder(), temp.str());
    EXPECT_EQ(browser.pathText, temp.str());
    EXPECT_TRUE(browser.error().empty());

    // Clicks select; a file that is not listed cannot be selected.
    browser.select("b.json");
    EXPECT_EQ(browser.selected(), "b.json");
    browser.select("notes.txt");
    EXPECT_EQ(browser.selected(), "b.json");

    // Double-click a folder: it is entered.
    EXPECT_FALSE(browser.activate("alpha").has_value());
    EXPECT_EQ(browser.folder(), (temp.path() / "alpha").string());
    EXPECT_EQ(names(browser.entries()), std::vector<std::string>{"inner.json"});
    EXPECT_TRUE(browser.selected().empty());

    // Up: back in the parent, the folder just left highlighted; "Open" goes back in.
    EXPECT_TRUE(browser.up());
    EXPECT_EQ(browser.folder(), temp.str());
    EXPECT_EQ(browser.selected(), "alpha");
    EXPECT_FALSE(browser.confirm().has_value());
    EXPECT_EQ(browser.folder(), (temp.path() / "alpha").string());
    EXPECT_TRUE(browser.isOpen());

    // "Open" with nothing selected does nothing; with a file it confirms and closes.
    EXPECT_FALSE(browser.confirm().has_value());
    browser.select("inner.json");
    const auto path = browser.confirm();
    ASSERT_TRUE(path.has_value());
    EXPECT_EQ(*path, (temp.path() / "alpha" / "inner.json").string());
    EXPECT_FALSE(browser.isOpen());
    // Handed over once to whoever draws the dialog.
    EXPECT_EQ(browser.takeConfirmed(), path);
    EXPECT_FALSE(browser.takeConfirmed().has_value());

    // Reopened without a folder change: the last folder used is still there.
    browser.open(browser.folder());
    EXPECT_EQ(browser.folder(), (temp.path() / "alpha").string());
    browser.close();
    EXPECT_FALSE(browser.isOpen());
    EXPECT_FALSE(browser.takeConfirmed().has_value());  // cancel confirms nothing

    // Up from the top stays at the top.
    browser.open("/");
    EXPECT_TRUE(browser.up());
    EXPECT_EQ(browser.folder(), "/");
}

TEST(FileDialogBrowser, HiddenToggleAndRefreshFollowTheFolder) {
    TempFolder temp("hidden");
    fillSampleTree(temp.path());
    FileBrowser browser;
    browser.open(temp.str());
    EXPECT_FALSE(browser.showHidden());
    const std::size_t visible = browser.entries().size();
    browser.setShowHidden(true);
    EXPECT_EQ(browser.entries().size(), visible + 2);  // .cache/ and .secret.json
    browser.setShowHidden(false);
    EXPECT_EQ(browser.entries().size(), visible);

    browser.select("zeta.json");
    fs::remove(temp.path() / "zeta.json");
    writeText(temp.path() / "new.json", "{}");
    browser.refresh();
    EXPECT_EQ(names(browser.entries()), (std::vector<std::string>{"alpha/", "Beta/", "Alpha.JSON", "b.json", "new.json"}));
    EXPECT_TRUE(browser.selected().empty());  // the selected file went away
}

TEST(FileDialogBrowser, TypedPathsNavigateOrConfirmAndBadOnesKeepTheFolder) {
    TempFolder temp("typed");
    fillSampleTree(temp.path());
    FileBrowser browser;
    browser.open(temp.str());

    browser.pathText = temp.str() + "/alpha/../Beta/";
    EXPECT_FALSE(browser.submitPathText().has_value());
    EXPECT_EQ(browser.folder(), (temp.path() / "Beta").string());
    EXPECT_EQ(browser.pathText, browser.folder());

    // A folder that is not there: a message naming it, and the folder shown stays.
    browser.pathText = temp.str() + "/nowhere";
    EXPECT_NO_THROW(browser.submitPathText());
    EXPECT_EQ(browser.folder(), (temp.path() / "Beta").string());
    EXPECT_NE(browser.error().find("nowhere"), std::string::npos) << browser.error();
    EXPECT_TRUE(browser.isOpen());
    EXPECT_TRUE(browser.navigate(temp.str()));
    EXPECT_TRUE(browser.error().empty());

    // A file of another kind is refused; a case file typed in full is confirmed.
    browser.pathText = (temp.path() / "notes.txt").string();
    EXPECT_FALSE(browser.submitPathText().has_value());
    EXPECT_NE(browser.error().find("notes.txt"), std::string::npos);
    EXPECT_TRUE(browser.isOpen());
    browser.pathText = (temp.path() / "alpha" / "inner.json").string();
    const auto typed = browser.submitPathText();
    ASSERT_TRUE(typed.has_value());
    EXPECT_EQ(*typed, (temp.path() / "alpha" / "inner.json").string());
    EXPECT_EQ(browser.folder(), (temp.path() / "alpha").string());
    EXPECT_FALSE(browser.isOpen());
}

TEST(FileDialogBrowser, FirstOpenOnAMissingFolderStillLeadsUp) {
    TempFolder temp("first-open");
    fillSampleTree(temp.path());
    FileBrowser browser;
    EXPECT_NO_THROW(browser.open((temp.path() / "was-deleted").string()));
    EXPECT_TRUE(browser.isOpen());
    EXPECT_TRUE(browser.entries().empty());
    EXPECT_NE(browser.error().find("was-deleted"), std::string::npos);
    EXPECT_TRUE(browser.up());
    EXPECT_EQ(browser.folder(), temp.str());
    EXPECT_TRUE(browser.error().empty());
}

// ---- in the window ----

constexpr const char* kShippedCase = "cervical-dystonia";

fs::path shippedCaseFile() { return fs::path(DBSPROG_TEST_MODELS_DIR) / "patients" / (std::string(kShippedCase) + ".json"); }

TEST(GuiCaseFile, DialogOpensInThePatientsFolderAndAConfirmedFileSwitchesThePatient) {
    TempFolder temp("window-valid");
    const fs::path copy = temp.path() / "my-patient.json";
    fs::copy_file(shippedCaseFile(), copy);
    fs::create_directories(temp.path() / "archive");
    writeText(temp.path() / "notes.txt", "not a case");

    GuiApp app(testing::hiddenWindow());
    app.runFrame();
    ASSERT_NE(app.simulation().patientCase.id, kShippedCase);
    const render::Image closed = app.runFrameAndCapture();

    // "Open file…": first time in the shipped patients folder, listing the shipped cases.
    app.showCaseFileDialog();
    FileBrowser& browser = app.ui().caseFileBrowser;
    ASSERT_TRUE(browser.isOpen());
    EXPECT_EQ(browser.folder(), normalizeFolderPath(std::string(DBSPROG_TEST_MODELS_DIR) + "/patients"));
    EXPECT_EQ(browser.entries().size(), app.cases().size());
    browser.select(std::string(kShippedCase) + ".json");  // a click: highlighted, not opened
    app.runFrame();
    const render::Image open = app.runFrameAndCapture();
    snapshot("file_dialog_patients", open);
    EXPECT_TRUE(anyPopupOpen());
    // The dialog is centred: its list shows the shipped file names there.
    const PixelRect listRows{open.width / 2 - 300, open.height / 2 - 150, 400, 150};
    EXPECT_GT(testing::regionStats(open, listRows).sharpEdges, 3 * testing::regionStats(closed, listRows).sharpEdges / 2)
        << "no file names in the dialog";

    // While it is open the programmer's keys rest and the case stays.
    const std::string before = app.simulation().patientCase.id;
    EXPECT_TRUE(browser.navigate(temp.str()));
    EXPECT_EQ(names(browser.entries()), (std::vector<std::string>{"archive/", "my-patient.json"}));
    app.runFrame();
    const render::Image temp2 = app.runFrameAndCapture();
    snapshot("file_dialog_temp", temp2);
    EXPECT_EQ(app.simulation().patientCase.id, before);
    // Two entries: the rest of the list is flat, where the window behind has its figure and view.
    const PixelRect emptyList{temp2.width / 2 - 300, temp2.height / 2 - 40, 500, 200};
    EXPECT_LT(testing::regionStats(temp2, emptyList).lumaVariance, 20.0);
    EXPECT_GT(testing::regionStats(closed, emptyList).lumaVariance, 200.0);

    // Double-click the copy: confirmed at the next frame's dialog, applied at its apply point.
    EXPECT_TRUE(browser.activate("my-patient.json").has_value());
    app.runFrame();
    EXPECT_EQ(app.simulation().patientCase.id, kShippedCase);
    EXPECT_EQ(app.simulation().caseFilePath, copy.string());
    EXPECT_TRUE(app.ui().caseError.empty()) << app.ui().caseError;
    EXPECT_FALSE(browser.isOpen());
    ASSERT_TRUE(app.simulation().report.has_value());
    snapshot("file_dialog_opened", app.runFrameAndCapture());
    EXPECT_FALSE(anyPopupOpen()) << "the modal stayed after its file was opened";

    // Next time the dialog opens where the last file came from.
    app.showCaseFileDialog();
    EXPECT_EQ(browser.folder(), temp.str());
    browser.close();
    app.runFrame();

    // The same id from the list reopens the shipped case, not the copy.
    app.openCase(kShippedCase);
    app.runFrame();
    EXPECT_EQ(app.simulation().patientCase.id, kShippedCase);
    EXPECT_TRUE(app.simulation().caseFilePath.empty());

    // A shipped file opened by path counts as shipped (the status bar keeps the id).
    app.openCaseFile(shippedCaseFile().string());
    app.runFrame();
    EXPECT_TRUE(app.ui().caseError.empty()) << app.ui().caseError;
    EXPECT_TRUE(app.simulation().caseFilePath.empty());
}

TEST(GuiCaseFile, MalformedFileShowsAnErrorNamingItAndKeepsCaseProgramAndHistory) {
    TempFolder temp("window-bad");
    const fs::path broken = temp.path() / "broken-case.json";
    writeText(broken, "{\n  \"id\": \"broken\",\n  \"title\": \n");
    // Well-formed JSON naming a lead the catalogue lacks: the core's message names the lead, not the file.
    std::string text = readText(shippedCaseFile());
    GuiApp app(testing::hiddenWindow());
    const std::string leadId = app.simulation().lead.id;
    {
        const patient::Case shipped = patient::loadCase(shippedCaseFile().string());
        const std::string quoted = "\"" + shipped.leadId + "\"";
        const auto at = text.find(quoted);
        ASSERT_NE(at, std::string::npos);
        text.replace(at, quoted.size(), "\"no-such-lead\"");
    }
    const fs::path unknownLead = temp.path() / "unknown-lead.json";
    writeText(unknownLead, text);

    // A session in progress: an edited program and some simulated time.
    app.editProgramText("C+ 2- 3.0V 60us 130Hz");
    app.applyProgramText();
    app.advanceTime(86400.0);
    app.runFrame();
    const render::Image clean = app.runFrameAndCapture();
    const SimulationState& sim = app.simulation();
    const std::string caseId = sim.patientCase.id;
    const std::string program = sim.report->program.toString();
    const int revision = sim.programRevision;
    const std::size_t historySize = sim.history.size(), eventCount = sim.events.size();
    const double timeS = sim.patientState.timeS;

    for (const fs::path& bad : {broken, unknownLead}) {
        SCOPED_TRACE(bad.string());
        app.showCaseFileDialog();
        ASSERT_TRUE(app.ui().caseFileBrowser.navigate(temp.str()));
        EXPECT_TRUE(app.ui().caseFileBrowser.activate(bad.filename().string()).has_value());
        EXPECT_NO_THROW(app.runFrame());
        EXPECT_NE(app.ui().caseError.find(bad.filename().string()), std::string::npos) << app.ui().caseError;
        EXPECT_EQ(sim.patientCase.id, caseId);
        EXPECT_EQ(sim.lead.id, leadId);
        EXPECT_EQ(sim.report->program.toString(), program);
        EXPECT_EQ(sim.programRevision, revision);
        EXPECT_EQ(sim.history.size(), historySize);
        EXPECT_EQ(sim.events.size(), eventCount);
        EXPECT_EQ(sim.patientState.timeS, timeS);
        EXPECT_TRUE(sim.caseFilePath.empty());
    }
    // What went wrong is said: the JSON syntax, and the lead it does not know.
    app.openCaseFile(broken.string());
    app.runFrame();
    EXPECT_NE(app.ui().caseError.find("JSON"), std::string::npos) << app.ui().caseError;
    app.openCaseFile(unknownLead.string());
    app.runFrame();
    EXPECT_NE(app.ui().caseError.find("no-such-lead"), std::string::npos) << app.ui().caseError;
    // ... in red in the left panel.
    const render::Image frame = app.runFrameAndCapture();
    snapshot("file_dialog_error", frame);
    EXPECT_GT(testing::regionStats(frame, app.layout().leftPanel).errorRed,
              testing::regionStats(clean, app.layout().leftPanel).errorRed + 100);

    // A good file afterwards clears the error.
    app.openCaseFile(shippedCaseFile().string());
    app.runFrame();
    EXPECT_TRUE(app.ui().caseError.empty()) << app.ui().caseError;
    EXPECT_EQ(sim.patientCase.id, kShippedCase);
}

}  // namespace
}  // namespace dbsprog::gui
