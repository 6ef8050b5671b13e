#include "dbsprog/io/nifti.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "dbsprog/error.hpp"
#include "dbsprog/io/paths.hpp"

namespace dbsprog::io {

namespace {

// NIfTI-1 header layout (nifti1.h, NIfTI Data Format Working Group 2004): byte offsets of the fields used.
constexpr int kHeaderSize = 348;
constexpr int kVoxOffset = 352;  // header + 4-byte extension flag
constexpr int kOffDim = 40, kOffDatatype = 70, kOffBitpix = 72, kOffPixdim = 76, kOffVoxOffset = 108,
              kOffSclSlope = 112, kOffXyztUnits = 123, kOffDescrip = 148, kOffQformCode = 252, kOffSformCode = 254,
              kOffQuatern = 256, kOffSrow = 280, kOffMagic = 344;
constexpr int16_t kDatatypeFloat32 = 16;
constexpr uint8_t kUnitsMm = 2;
constexpr int16_t kXformScannerAnat = 1;

template <typename T>
void put(std::string& buf, int offset, T value) {
    std::memcpy(&buf[static_cast<size_t>(offset)], &value, sizeof(T));
}
template <typename T>
T get(const std::string& buf, int offset) {
    T value;
    std::memcpy(&value, &buf[static_cast<size_t>(offset)], sizeof(T));
    return value;
}

}  // namespace

void writeNifti(const std::string& path, const Volume& v) {
    const size_t count = static_cast<size_t>(v.dims[0]) * v.dims[1] * v.dims[2];
    if (v.dims[0] <= 0 || v.dims[1] <= 0 || v.dims[2] <= 0 || v.values.size() != count)
        throw InputError(path, "volume", std::to_string(v.values.size()) + " values", "dims[0]*dims[1]*dims[2] values, all dims > 0");
    std::string buf(kVoxOffset, '\0');
    put<int32_t>(buf, 0, kHeaderSize);
    const int16_t dim[8] = {3, static_cast<int16_t>(v.dims[0]), static_cast<int16_t>(v.dims[1]), static_cast<int16_t>(v.dims[2]), 1, 1, 1, 1};
    for (int i = 0; i < 8; ++i) put<int16_t>(buf, kOffDim + 2 * i, dim[i]);
    put<int16_t>(buf, kOffDatatype, kDatatypeFloat32);
    put<int16_t>(buf, kOffBitpix, 32);
    // pixdim[0] is qfac (+1: right-handed), then voxel sizes.
    const float pixdim[8] = {1.0f, static_cast<float>(v.spacingMm[0]), static_cast<float>(v.spacingMm[1]),
                             static_cast<float>(v.spacingMm[2]), 0, 0, 0, 0};
    for (int i = 0; i < 8; ++i) put<float>(buf, kOffPixdim + 4 * i, pixdim[i]);
    put<float>(buf, kOffVoxOffset, static_cast<float>(kVoxOffset));
    put<float>(buf, kOffSclSlope, 1.0f);
    buf[kOffXyztUnits] = static_cast<char>(kUnitsMm);
    std::strncpy(&buf[kOffDescrip], v.description.c_str(), 79);
    // Identity rotation: quaternion (b, c, d) = 0; offsets = centre of voxel 0. The sform says the same.
    put<int16_t>(buf, kOffQformCode, kXformScannerAnat);
    put<int16_t>(buf, kOffSformCode, kXformScannerAnat);
    const float quatern[6] = {0, 0, 0, static_cast<float>(v.originMm.x()), static_cast<float>(v.originMm.y()),
                              static_cast<float>(v.originMm.z())};
    for (int i = 0; i < 6; ++i) put<float>(buf, kOffQuatern + 4 * i, quatern[i]);
    for (int row = 0; row < 3; ++row)
        for (int col = 0; col < 4; ++col)
            put<float>(buf, kOffSrow + 16 * row + 4 * col,
                       static_cast<float>(col == 3 ? v.originMm(row) : (col == row ? v.spacingMm[row] : 0.0)));
    std::memcpy(&buf[kOffMagic], "n+1\0", 4);
    buf.append(reinterpret_cast<const char*>(v.values.data()), count * sizeof(float));
    writeFileAtomic(path, buf);
}

Volume readNifti(const std::string& path) {
    const std::string buf = readFile(path);
    if (buf.size() < static_cast<size_t>(kVoxOffset) || get<int32_t>(buf, 0) != kHeaderSize)
        throw InputError(path, "sizeof_hdr", "", "a NIfTI-1 file (348-byte header, little-endian)");
    if (std::memcmp(&buf[kOffMagic], "n+1", 4) != 0) throw InputError(path, "magic", "", "\"n+1\" (single-file NIfTI-1)");
    if (get<int16_t>(buf, kOffDim) != 3) throw InputError(path, "dim[0]", std::to_string(get<int16_t>(buf, kOffDim)), "3 (a 3D volume)");
    if (get<int16_t>(buf, kOffDatatype) != kDatatypeFloat32)
        throw InputError(path, "datatype", std::to_string(get<int16_t>(buf, kOffDatatype)), "16 (float32)");
    Volume v;
    for (int i = 0; i < 3; ++i) {
        v.dims[i] = get<int16_t>(buf, kOffDim + 2 * (i + 1));
        if (v.dims[i] <= 0) throw InputError(path, "dim[" + std::to_string(i + 1) + "]", std::to_string(v.dims[i]), "> 0");
    }
    for (int row = 0; row < 3; ++row) {
        for (int col = 0; col < 3; ++col) {
            const float a = get<float>(buf, kOffSrow + 16 * row + 4 * col);
            if (col == row) v.spacingMm[row] = a;
            else if (a != 0.0f) throw InputError(path, "srow", "a rotated affine", "an axis-aligned sform");
        }
        v.originMm(row) = get<float>(buf, kOffSrow + 16 * row + 12);
    }
    const auto offset = static_cast<size_t>(get<float>(buf, kOffVoxOffset));
    const size_t count = static_cast<size_t>(v.dims[0]) * v.dims[1] * v.dims[2];
    if (offset < static_cast<size_t>(kVoxOffset) || buf.size() < offset + count * sizeof(float))
        throw InputError(path, "data", std::to_string(buf.size()) + " bytes", std::to_string(offset + count * sizeof(float)) + " bytes");
    v.values.resize(count);
    std::memcpy(v.values.data(), &buf[offset], count * sizeof(float));
    v.description = std::string(&buf[kOffDescrip], strnlen(&buf[kOffDescrip], 80));
    return v;
}

}  // namespace dbsprog::io
