#pragma once
/// A modal file browser for opening case files. The browsing (listing, filtering, sorting,
/// navigation, path normalisation) is plain code in FileBrowser and the free functions, testable
/// without a window; drawFileDialog() only draws a FileBrowser with ImGui and forwards clicks.
/// It holds UI state only: which folder is shown and what is selected, never simulation state.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dbsprog::gui {

struct FolderEntry {
    std::string name;             ///< file or folder name, no path
    bool isFolder = false;
    std::uintmax_t sizeBytes = 0;  ///< files only
};

struct ListingOptions {
    std::string extension = ".json";  ///< files shown, compared case-insensitively; "" shows every file
    bool showHidden = false;          ///< names starting with '.'
};

/// One folder's contents: sub-folders first, then matching files, each sorted case-insensitively.
struct FolderListing {
    std::string folder;  ///< normalised absolute path
    std::vector<FolderEntry> entries;
    std::string error;   ///< why the folder could not be read; "" when it was
    bool ok() const { return error.empty(); }
};

/// Absolute, lexically normal, without a trailing separator (except the root); a leading "~" is
/// $HOME; "" is the current folder. Does not touch the file system beyond the current folder.
std::string normalizeFolderPath(const std::string& text);
/// The folder above `folder` (normalised); the root is its own parent.
std::string parentFolder(const std::string& folder);
/// ASCII case-insensitive order, ties broken by the exact bytes so the order is total.
bool lessCaseInsensitive(const std::string& a, const std::string& b);
/// Whether `name` ends with `extension` (".json"), ignoring ASCII case; "" matches everything.
bool matchesExtension(const std::string& name, const std::string& extension);
bool isHiddenName(const std::string& name);
/// "812 B", "3.4 KB", "1.2 MB" (1 KB = 1024 B).
std::string formatFileSize(std::uintmax_t bytes);
/// Lists `folder`; never throws for file-system problems (missing, not a folder, no permission):
/// they come back as `error`, naming the folder and the reason.
FolderListing listFolder(const std::string& folder, const ListingOptions& options);

/// The dialog's state and the actions its widgets call.
class FileBrowser {
public:
    explicit FileBrowser(ListingOptions options = {});

    /// Shows the dialog on `folder` (re-read, so new files appear).
    void open(const std::string& folder);
    void close();
    bool isOpen() const { return open_; }

    /// Shows `folder`. When it cannot be read, the folder shown so far stays (if any) and error()
    /// says why; returns whether the folder is now shown.
    bool navigate(const std::string& folder);
    bool up();
    /// Enters a sub-folder listed in the current folder.
    bool enter(const std::string& name);
    /// Re-reads the current folder.
    void refresh();

    /// A click on an entry: highlights it ("" clears the selection).
    void select(const std::string& name);
    /// A double-click: a folder is entered; a file is confirmed (its path returned, dialog closed).
    std::optional<std::string> activate(const std::string& name);
    /// "Open": confirms the selected file, or enters the selected folder (then returns nullopt).
    std::optional<std::string> confirm();
    /// Enter in the path field: a folder is shown; a file's path is confirmed like a double-click.
    std::optional<std::string> submitPathText();
    /// The path confirmed since the last call (by any of the three above), once; drawFileDialog()
    /// hands it over, so a confirmation made between frames still reaches the caller.
    std::optional<std::string> takeConfirmed();

    void setShowHidden(bool show);
    bool showHidden() const { return options_.showHidden; }
    const std::string& extension() const { return options_.extension; }

    const std::string& folder() const { return listing_.folder; }
    const std::vector<FolderEntry>& entries() const { return listing_.entries; }
    const std::string& error() const { return error_; }
    const std::string& selected() const { return selected_; }
    /// The selected entry, or nullptr.
    const FolderEntry* selectedEntry() const;
    /// The path field's edit buffer; follows the folder shown after every navigation.
    std::string pathText;

private:
    const FolderEntry* find(const std::string& name) const;
    std::string pathOf(const std::string& name) const;

    ListingOptions options_;
    FolderListing listing_;
    std::string error_;
    std::string selected_;
    std::optional<std::string> confirmed_;
    bool open_ = false;
};

/// Draws `browser` as a modal window titled `title` while it is open; returns the confirmed file
/// path in the frame it is confirmed. Call once per frame outside other popups. `uiScale` sizes
/// the dialog; `unicode` says whether the font has arrows.
std::optional<std::string> drawFileDialog(const char* title, FileBrowser& browser, float uiScale, bool unicode);

}  // namespace dbsprog::gui
