#pragma once
/// A linked vertex + fragment shader program. Compile and link errors throw std::runtime_error
/// naming the shader file, with the driver's log and the source with numbered lines (the lines
/// the log points at are marked), so a shader bug is found without a debugger.
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <Eigen/Core>

#include "render/gl_objects.hpp"

namespace dbsprog::render {

struct ShaderSource {
    std::string name;  ///< file name, used in error messages ("lead.frag")
    std::string text;  ///< GLSL source, "#version 330 core" first
};

class ShaderProgram {
public:
    ShaderProgram() = default;
    /// Compiles and links; throws std::runtime_error on failure.
    static ShaderProgram fromSources(const ShaderSource& vertex, const ShaderSource& fragment);
    /// Same, from shaders embedded from shaders/ ("lead.vert", "lead.frag").
    static ShaderProgram fromEmbedded(std::string_view vertexFile, std::string_view fragmentFile);

    void use() const;
    GLuint id() const { return program_.id(); }
    const std::string& name() const { return name_; }

    /// Uniform setters; the program must be in use. A name the linker optimised away is ignored.
    void set(const char* uniform, int value);
    void set(const char* uniform, float value);
    void set(const char* uniform, const Eigen::Vector2f& value);
    void set(const char* uniform, const Eigen::Vector3f& value);
    void set(const char* uniform, const Eigen::Vector4f& value);
    void set(const char* uniform, const Eigen::Matrix3f& value);
    void set(const char* uniform, const Eigen::Matrix4f& value);

private:
    GLint location(const char* uniform);

    Program program_;
    std::string name_;  ///< "lead.vert + lead.frag"
    std::unordered_map<std::string, GLint> locations_;
};

/// "  1 | #version 330 core" for every line; lines in `markedLines` (1-based) get a ">>" marker.
std::string numberedSource(std::string_view source, const std::vector<int>& markedLines = {});

/// Line numbers a driver's info log points at ("0:12(5): error" Mesa, "0(12) : error" NVIDIA).
std::vector<int> linesInShaderLog(std::string_view log);

}  // namespace dbsprog::render
