#include "render/shader_program.hpp"

#include <algorithm>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "render/embedded_shaders.hpp"

namespace dbsprog::render {

std::string_view embeddedShader(std::string_view name) {
    for (const EmbeddedShader& shader : embeddedShaders()) {
        if (shader.name == name) return shader.source;
    }
    std::string known;
    for (const EmbeddedShader& shader : embeddedShaders()) {
        if (!known.empty()) known += ", ";
        known += shader.name;
    }
    throw std::runtime_error("shader '" + std::string(name) + "' is not embedded; embedded: " + known);
}

std::string numberedSource(std::string_view source, const std::vector<int>& markedLines) {
    std::ostringstream out;
    int lineNumber = 1;
    std::size_t start = 0;
    while (start <= source.size()) {
        const std::size_t end = source.find('\n', start);
        const std::string_view line =
            source.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (end == std::string_view::npos && line.empty()) break;  // no empty line after the last '\n'
        const bool marked =
            std::find(markedLines.begin(), markedLines.end(), lineNumber) != markedLines.end();
        out << (marked ? ">>" : "  ");
        const std::string number = std::to_string(lineNumber);
        out << std::string(number.size() < 4 ? 4 - number.size() : 0, ' ') << number << " | " << line
            << '\n';
        if (end == std::string_view::npos) break;
        start = end + 1;
        ++lineNumber;
    }
    return out.str();
}

std::vector<int> linesInShaderLog(std::string_view log) {
    // Mesa/AMD: "0:12(5): error: ..." ; NVIDIA: "0(12) : error ..."
    static const std::regex mesa(R"((?:^|\n)\s*\d+:(\d+)\(\d+\))");
    static const std::regex nvidia(R"((?:^|\n)\s*\d+\((\d+)\))");
    std::vector<int> lines;
    const std::string text(log);
    for (const std::regex* pattern : {&mesa, &nvidia}) {
        for (auto it = std::sregex_iterator(text.begin(), text.end(), *pattern); it != std::sregex_iterator();
             ++it) {
            lines.push_back(std::stoi((*it)[1].str()));
        }
    }
    std::sort(lines.begin(), lines.end());
    lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
    return lines;
}

namespace {

std::string shaderLog(GLuint shader) {
    GLint length = 0;
    glGetShaderiv(shader, GL_INFO_LOG_LENGTH, &length);
    std::string log(static_cast<std::size_t>(std::max(length, 1)), '\0');
    glGetShaderInfoLog(shader, length, nullptr, log.data());
    log.resize(std::char_traits<char>::length(log.c_str()));
    return log;
}

std::string programLog(GLuint program) {
    GLint length = 0;
    glGetProgramiv(program, GL_INFO_LOG_LENGTH, &length);
    std::string log(static_cast<std::size_t>(std::max(length, 1)), '\0');
    glGetProgramInfoLog(program, length, nullptr, log.data());
    log.resize(std::char_traits<char>::length(log.c_str()));
    return log;
}

Shader compile(GLenum stage, const ShaderSource& source) {
    Shader shader = Shader::create(stage);
    if (!shader) throw std::runtime_error("glCreateShader failed for " + source.name + " (no current GL context?)");
    const char* text = source.text.c_str();
    const auto length = static_cast<GLint>(source.text.size());
    glShaderSource(shader.id(), 1, &text, &length);
    glCompileShader(shader.id());
    GLint ok = GL_FALSE;
    glGetShaderiv(shader.id(), GL_COMPILE_STATUS, &ok);
    if (ok != GL_TRUE) {
        const std::string log = shaderLog(shader.id());
        throw std::runtime_error("shader compile failed: " + source.name + "\n" + log + "\n" + source.name +
                                 ":\n" + numberedSource(source.text, linesInShaderLog(log)));
    }
    return shader;
}

}  // namespace

ShaderProgram ShaderProgram::fromSources(const ShaderSource& vertex, const ShaderSource& fragment) {
    Shader vertexShader = compile(GL_VERTEX_SHADER, vertex);
    Shader fragmentShader = compile(GL_FRAGMENT_SHADER, fragment);

    ShaderProgram result;
    result.name_ = vertex.name + " + " + fragment.name;
    result.program_ = Program::create();
    const GLuint id = result.program_.id();
    glAttachShader(id, vertexShader.id());
    glAttachShader(id, fragmentShader.id());
    glLinkProgram(id);
    GLint ok = GL_FALSE;
    glGetProgramiv(id, GL_LINK_STATUS, &ok);
    glDetachShader(id, vertexShader.id());
    glDetachShader(id, fragmentShader.id());
    if (ok != GL_TRUE) {
        throw std::runtime_error("shader link failed: " + result.name_ + "\n" + programLog(id) + "\n" +
                                 vertex.name + ":\n" + numberedSource(vertex.text) + fragment.name + ":\n" +
                                 numberedSource(fragment.text));
    }
    return result;
}

ShaderProgram ShaderProgram::fromEmbedded(std::string_view vertexFile, std::string_view fragmentFile) {
    return fromSources({std::string(vertexFile), std::string(embeddedShader(vertexFile))},
                       {std::string(fragmentFile), std::string(embeddedShader(fragmentFile))});
}

void ShaderProgram::use() const { glUseProgram(program_.id()); }

GLint ShaderProgram::location(const char* uniform) {
    auto it = locations_.find(uniform);
    if (it == locations_.end()) {
        it = locations_.emplace(uniform, glGetUniformLocation(program_.id(), uniform)).first;
    }
    return it->second;
}

void ShaderProgram::set(const char* uniform, int value) { glUniform1i(location(uniform), value); }
void ShaderProgram::set(const char* uniform, float value) { glUniform1f(location(uniform), value); }
void ShaderProgram::set(const char* uniform, const Eigen::Vector2f& value) {
    glUniform2fv(location(uniform), 1, value.data());
}
void ShaderProgram::set(const char* uniform, const Eigen::Vector3f& value) {
    glUniform3fv(location(uniform), 1, value.data());
}
void ShaderProgram::set(const char* uniform, const Eigen::Vector4f& value) {
    glUniform4fv(location(uniform), 1, value.data());
}
// Eigen is column-major like GL, so no transpose.
void ShaderProgram::set(const char* uniform, const Eigen::Matrix3f& value) {
    glUniformMatrix3fv(location(uniform), 1, GL_FALSE, value.data());
}
void ShaderProgram::set(const char* uniform, const Eigen::Matrix4f& value) {
    glUniformMatrix4fv(location(uniform), 1, GL_FALSE, value.data());
}

}  // namespace dbsprog::render
