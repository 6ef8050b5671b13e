#include "gui/file_dialog.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <utility>

#include "gui/theme.hpp"
#include "gui/widgets.hpp"

namespace dbsprog::gui {

namespace fs = std::filesystem;

namespace {

char lowerAscii(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

}  // namespace

// ---- browsing logic ----

std::string normalizeFolderPath(const std::string& text) {
    std::string expanded = trimmed(text);  // pasted paths often carry a stray space or newline
    if (!expanded.empty() && expanded[0] == '~' && (expanded.size() == 1 || expanded[1] == '/')) {
        if (const char* home = std::getenv("HOME"); home && *home) expanded = std::string(home) + expanded.substr(1);
    }
    std::error_code ec;
    fs::path path = expanded.empty() ? fs::current_path(ec) : fs::absolute(expanded, ec);
    if (ec) path = fs::path(expanded);
    std::string out = path.lexically_normal().string();
    while (out.size() > 1 && out.back() == '/') out.pop_back();
    return out;
}

std::string parentFolder(const std::string& folder) {
    return fs::path(normalizeFolderPath(folder)).parent_path().string();
}

bool lessCaseInsensitive(const std::string& a, const std::string& b) {
    const bool less = std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                                   [](char x, char y) { return lowerAscii(x) < lowerAscii(y); });
    const bool greater = std::lexicographical_compare(b.begin(), b.end(), a.begin(), a.end(),
                                                      [](char x, char y) { return lowerAscii(x) < lowerAscii(y); });
    return less || (!greater && a < b);
}

bool matchesExtension(const std::string& name, const std::string& extension) {
    if (extension.empty()) return true;
    if (name.size() <= extension.size()) return false;  // ".json" alone is a hidden file, not a case
    return std::equal(extension.rbegin(), extension.rend(), name.rbegin(),
                      [](char x, char y) { return lowerAscii(x) == lowerAscii(y); });
}

bool isHiddenName(const std::string& name) { return !name.empty() && name[0] == '.'; }

std::string formatFileSize(std::uintmax_t bytes) {
    constexpr double kKiB = 1024.0;
    char text[32];
    if (bytes < 1024) {
        std::snprintf(text, sizeof text, "%" PRIuMAX " B", bytes);
    } else if (static_cast<double>(bytes) < kKiB * kKiB) {
        std::snprintf(text, sizeof text, "%.1f KB", static_cast<double>(bytes) / kKiB);
    } else if (static_cast<double>(bytes) < kKiB * kKiB * kKiB) {
        std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / (kKiB * kKiB));
    } else {
        std::snprintf(text, sizeof text, "%.1f GB", static_cast<double>(bytes) / (kKiB * kKiB * kKiB));
    }
    return text;
}

FolderListing listFolder(const std::string& folder, const ListingOptions& options) {
    FolderListing listing;
    listing.folder = normalizeFolderPath(folder);
    std::error_code ec;
    const fs::file_status status = fs::status(listing.folder, ec);
    if (ec || !fs::exists(status)) {
        listing.error = "Cannot open " + listing.folder + ": " + (ec ? ec.message() : std::string("no such folder"));
        return listing;
    }
    if (!fs::is_directory(status)) {
        listing.error = listing.folder + " is not a folder";
        return listing;
    }
    fs::directory_iterator it(listing.folder, ec);
    if (ec) {
        listing.error = "Cannot read " + listing.folder + ": " + ec.message();
        return listing;
    }
    std::vector<FolderEntry> folders, files;
    for (const fs::directory_iterator end; it != end;) {
        const std::string name = it->path().filename().string();
        if (options.showHidden || !isHiddenName(name)) {
            // Per-entry errors (a dangling link, a file removed meanwhile) only drop that entry.
            std::error_code entryError;
            if (it->is_directory(entryError)) {
                folders.push_back({name, true, 0});
            } else if (it->is_regular_file(entryError) && matchesExtension(name, options.extension)) {
                std::error_code sizeError;
                const std::uintmax_t size = it->file_size(sizeError);
                files.push_back({name, false, sizeError ? 0 : size});
            }
        }
        it.increment(ec);
        if (ec) {
            listing.error = "Cannot read all of " + listing.folder + ": " + ec.message();
            return listing;
        }
    }
    const auto byName = [](const FolderEntry& a, const FolderEntry& b) { return lessCaseInsensitive(a.name, b.name); };
    std::sort(folders.begin(), folders.end(), byName);
    std::sort(files.begin(), files.end(), byName);
    listing.entries = std::move(folders);
    listing.entries.insert(listing.entries.end(), files.begin(), files.end());
    return listing;
}

FileBrowser::FileBrowser(ListingOptions options) : options_(std::move(options)) {}

void FileBrowser::open(const std::string& folder) {
    open_ = true;
    confirmed_.reset();
    error_.clear();
    navigate(folder);
}

void FileBrowser::close() { open_ = false; }

bool FileBrowser::navigate(const std::string& folder) {
    FolderListing next = listFolder(folder, options_);
    if (!next.ok()) {
        error_ = next.error;
        // Nothing shown yet: show the unreadable folder, empty, so "Up" still leads somewhere.
        if (listing_.folder.empty()) {
            listing_.folder = next.folder;
            listing_.entries.clear();
        }
        pathText = listing_.folder;
        return false;
    }
    if (next.folder != listing_.folder) selected_.clear();
    listing_ = std::move(next);
    if (find(selected_) == nullptr) selected_.clear();  // a refresh may have removed it
    error_.clear();
    pathText = listing_.folder;
    return true;
}

bool FileBrowser::up() {
    const std::string from = fs::path(folder()).filename().string();
    if (!navigate(parentFolder(folder()))) return false;
    select(from);  // the folder just left stays highlighted, so "Open" goes back into it
    return true;
}

bool FileBrowser::enter(const std::string& name) {
    const FolderEntry* entry = find(name);
    if (entry == nullptr || !entry->isFolder) return false;
    return navigate(pathOf(name));
}

void FileBrowser::refresh() {
    if (!folder().empty()) navigate(folder());
}

void FileBrowser::select(const std::string& name) {
    if (name.empty() || find(name) != nullptr) selected_ = name;
}

std::optional<std::string> FileBrowser::activate(const std::string& name) {
    const FolderEntry* entry = find(name);
    if (entry == nullptr) return std::nullopt;
    selected_ = name;
    return confirm();
}

std::optional<std::string> FileBrowser::confirm() {
    const FolderEntry* entry = selectedEntry();
    if (entry == nullptr) return std::nullopt;
    if (entry->isFolder) {
        enter(entry->name);
        return std::nullopt;
    }
    confirmed_ = pathOf(entry->name);
    close();
    return confirmed_;
}

std::optional<std::string> FileBrowser::submitPathText() {
    const std::string path = normalizeFolderPath(pathText);
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
        navigate(path);
        return std::nullopt;
    }
    // A file typed in full: its folder is shown (and remembered), the file confirmed.
    const std::string name = fs::path(path).filename().string();
    if (!navigate(parentFolder(path))) return std::nullopt;
    if (!matchesExtension(name, options_.extension)) {
        error_ = name + " is not a " + options_.extension + " file";
        return std::nullopt;
    }
    confirmed_ = path;
    close();
    return confirmed_;
}

std::optional<std::string> FileBrowser::takeConfirmed() { return std::exchange(confirmed_, std::nullopt); }

void FileBrowser::setShowHidden(bool show) {
    options_.showHidden = show;
    refresh();
}

const FolderEntry* FileBrowser::selectedEntry() const { return selected_.empty() ? nullptr : find(selected_); }

const FolderEntry* FileBrowser::find(const std::string& name) const {
    for (const FolderEntry& entry : listing_.entries)
        if (entry.name == name) return &entry;
    return nullptr;
}

std::string FileBrowser::pathOf(const std::string& name) const { return (fs::path(folder()) / name).string(); }

// ---- drawing ----

namespace {

/// A small folder or page glyph drawn with shapes, so it needs no icon font.
void drawEntryIcon(ImDrawList* drawList, ImVec2 topLeft, float size, bool isFolder) {
    const float x = topLeft.x, y = topLeft.y;
    if (isFolder) {
        const ImU32 fill = ImGui::GetColorU32(ImVec4(colors::kAccent.x, colors::kAccent.y, colors::kAccent.z, 0.85f));
        drawList->AddRectFilled(ImVec2(x, y + 0.12f * size), ImVec2(x + 0.45f * size, y + 0.32f * size), fill, 1.0f);
        drawList->AddRectFilled(ImVec2(x, y + 0.25f * size), ImVec2(x + size, y + 0.88f * size), fill, 1.5f);
    } else {
        const ImU32 line = ImGui::GetColorU32(colors::kLabel);
        const float left = x + 0.15f * size, right = x + 0.85f * size, top = y + 0.05f * size, bottom = y + 0.95f * size;
        const float fold = 0.28f * size;
        const ImVec2 outline[] = {ImVec2(left, top), ImVec2(right - fold, top), ImVec2(right, top + fold),
                                  ImVec2(right, bottom), ImVec2(left, bottom)};
        drawList->AddPolyline(outline, 5, line, ImDrawFlags_Closed, 1.0f);
        drawList->AddLine(ImVec2(right - fold, top), ImVec2(right - fold, top + fold), line);
        drawList->AddLine(ImVec2(right - fold, top + fold), ImVec2(right, top + fold), line);
    }
}

bool keyPressed(ImGuiKey key) { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(key), false); }

}  // namespace

std::optional<std::string> drawFileDialog(const char* title, FileBrowser& browser, float uiScale, bool unicode) {
    const bool popupOpen = ImGui::IsPopupOpen(title);
    if (!browser.isOpen()) {
        // Confirmed or closed outside the dialog (between frames): take the popup down too.
        if (popupOpen && ImGui::BeginPopupModal(title)) {
            ImGui::CloseCurrentPopup();
            ImGui::EndPopup();
        }
        return browser.takeConfirmed();
    }
    if (!popupOpen) ImGui::OpenPopup(title);

    const ImGuiIO& io = ImGui::GetIO();
    const ImGuiStyle& style = ImGui::GetStyle();
    const float margin = 40.0f * uiScale;
    const ImVec2 size(std::min(720.0f * uiScale, io.DisplaySize.x - margin),
                      std::min(520.0f * uiScale, io.DisplaySize.y - margin));
    ImGui::SetNextWindowSize(size, ImGuiCond_Appearing);
    ImGui::SetNextWindowPos(ImVec2(0.5f * io.DisplaySize.x, 0.5f * io.DisplaySize.y), ImGuiCond_Appearing,
                            ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSizeConstraints(ImVec2(360.0f * uiScale, 260.0f * uiScale), io.DisplaySize);
    bool keepOpen = true;
    if (!ImGui::BeginPopupModal(title, &keepOpen, ImGuiWindowFlags_NoSavedSettings)) return browser.takeConfirmed();

    // Clicks are collected while the listing is drawn and acted on after, since acting may
    // replace the listing being iterated.
    std::string clicked;
    bool doubleClicked = false;
    // A field being edited takes Escape (revert) and Enter (submit) for itself, also in the frame
    // it lets go of them.
    const bool fieldWasActive = ImGui::IsAnyItemActive();

    // Path row: Up, then the folder as an editable field (Enter goes there).
    if (ImGui::Button(unicode ? "\xE2\x86\x91 Up" : "Up")) browser.up();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Parent folder");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-1.0f);
    if (ImGui::InputText("##folder", &browser.pathText, ImGuiInputTextFlags_EnterReturnsTrue)) browser.submitPathText();
    if (!browser.error().empty()) wrappedColored(colors::kDanger, browser.error());

    // The listing fills the space above the two footer rows.
    const float footerHeight = 2.0f * ImGui::GetFrameHeightWithSpacing() + style.ItemSpacing.y + 1.0f;
    const ImGuiTableFlags tableFlags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                                       ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit;
    if (ImGui::BeginTable("##entries", 2, tableFlags, ImVec2(0.0f, -footerHeight))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("Name", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn("Size", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("1023.9 KB").x);
        ImGui::TableHeadersRow();
        const float lineHeight = ImGui::GetTextLineHeight();
        const float iconSize = 0.9f * lineHeight;
        ImDrawList* drawList = ImGui::GetWindowDrawList();
        const std::vector<FolderEntry>& entries = browser.entries();
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const FolderEntry& entry = entries[i];
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            ImGui::PushID(entry.name.c_str());  // by name: a double-click's release must not hit the next folder's row
            const ImVec2 rowTopLeft = ImGui::GetCursorScreenPos();
            const ImGuiSelectableFlags flags = ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowDoubleClick;
            if (ImGui::Selectable("##entry", entry.name == browser.selected(), flags, ImVec2(0.0f, lineHeight))) {
                clicked = entry.name;
                doubleClicked = ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left);
            }
            ImGui::PopID();
            drawEntryIcon(drawList, ImVec2(rowTopLeft.x, rowTopLeft.y + 0.5f * (lineHeight - iconSize)), iconSize,
                          entry.isFolder);
            drawList->AddText(ImVec2(rowTopLeft.x + iconSize + style.ItemInnerSpacing.x, rowTopLeft.y),
                              ImGui::GetColorU32(ImGuiCol_Text), entry.name.c_str());
            if (!entry.isFolder) {
                ImGui::TableSetColumnIndex(1);
                const std::string sizeText = formatFileSize(entry.sizeBytes);
                const float textWidth = ImGui::CalcTextSize(sizeText.c_str()).x;
                ImGui::SetCursorPosX(ImGui::GetCursorPosX() + ImGui::GetContentRegionAvail().x - textWidth);
                ImGui::TextColored(colors::kMuted, "%s", sizeText.c_str());
            }
        }
        if (entries.empty() && browser.error().empty()) {
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            ImGui::TextColored(colors::kMuted, "No folders or %s files here.", browser.extension().c_str());
        }
        ImGui::EndTable();
    }

    // Footer: hidden files and the filter, then the chosen file and the buttons.
    bool showHidden = browser.showHidden();
    if (ImGui::Checkbox("Show hidden files", &showHidden)) browser.setShowHidden(showHidden);
    const std::string filterText = "Showing folders and *" + browser.extension() + " files";
    ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - ImGui::CalcTextSize(filterText.c_str()).x);
    ImGui::AlignTextToFramePadding();
    ImGui::TextColored(colors::kMuted, "%s", filterText.c_str());

    const char* openLabel = "Open";
    const char* cancelLabel = "Cancel";
    const float buttonWidth = 90.0f * uiScale;
    ImGui::AlignTextToFramePadding();
    ImGui::TextColored(colors::kLabel, "File");
    ImGui::SameLine();
    const FolderEntry* chosen = browser.selectedEntry();
    if (chosen != nullptr && !chosen->isFolder) {
        ImGui::TextUnformatted(chosen->name.c_str());
    } else {
        ImGui::TextColored(colors::kMuted, "none selected");
    }
    ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - 2.0f * buttonWidth - style.ItemSpacing.x);
    ImGui::BeginDisabled(chosen == nullptr);
    if (ImGui::Button(openLabel, ImVec2(buttonWidth, 0.0f))) browser.confirm();
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button(cancelLabel, ImVec2(buttonWidth, 0.0f))) browser.close();

    if (!clicked.empty()) {
        if (doubleClicked) {
            browser.activate(clicked);
        } else {
            browser.select(clicked);
        }
    }
    if (!fieldWasActive && !ImGui::IsAnyItemActive()) {
        if (keyPressed(ImGuiKey_Escape)) browser.close();
        if (keyPressed(ImGuiKey_Enter) || keyPressed(ImGuiKey_KeyPadEnter)) browser.confirm();
    }
    if (!keepOpen) browser.close();  // the title bar's close button
    if (!browser.isOpen()) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
    return browser.takeConfirmed();
}

}  // namespace dbsprog::gui
