// The size audit of issue 22 for NRRD and MetaImage: the bytes a header claims are
// computed from its stored element type, wherever its voxels lie (after the header,
// after a byte skip, at the end of the file, in a detached data file, gzip or raw),
// and a file that lacks them is refused while a complete one reads exactly.

#include <gtest/gtest.h>

#include <zlib.h>

#include <cstring>
#include <string>
#include <vector>

#include "io/ImageReader.h"
#include "core/Error.h"
#include "tests/io/IoTestSupport.h"

namespace aunet::io {
namespace {

class DataLayoutSizeCheck : public test::ScratchTest {
 protected:
  // 4 x 3 x 2 int16 values 0, -7, -14, ... (little endian).
  static std::string voxels() {
    std::string bytes;
    for (int16_t v = 0; v < 24; ++v) {
      const int16_t value = static_cast<int16_t>(-7 * v);
      bytes.append(reinterpret_cast<const char*>(&value), 2);
    }
    return bytes;
  }
  static std::string gzip(const std::string& raw) {
    uLongf size = compressBound(raw.size()) + 32;
    std::string out(size, '\0');
    z_stream zs{};
    deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
    zs.avail_in = static_cast<uInt>(raw.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
  }
  void expectExact(const std::string& file) {
    const core::Volume v = readImage(file);
    ASSERT_EQ(v.geometry().size, (core::Index3{4, 3, 2}));
    EXPECT_EQ(v.originalType(), core::PixelType::Int16);
    for (int i = 0; i < 24; ++i) ASSERT_EQ(v.data()[i], -7.0f * i) << file << " voxel " << i;
  }
  void expectRefused(const std::string& file) {
    try {
      readImage(file);
      ADD_FAILURE() << file << " was read although its voxel data is incomplete";
    } catch (const core::Error& e) {
      EXPECT_EQ(std::string(e.what()).rfind(file + ": ", 0), 0u) << e.what();
    }
  }
};

constexpr const char* kNrrd = "NRRD0004\ntype: short\ndimension: 3\nsizes: 4 3 2\nendian: little\n";

TEST_F(DataLayoutSizeCheck, NrrdDataAfterTheHeaderAByteSkipOrAtTheEnd) {
  const std::string data = voxels();
  struct Layout {
    const char* name;
    std::string header;
    std::string prefix;  // bytes between the header and the voxels
  };
  for (const Layout& l : {Layout{"raw", "encoding: raw\n", ""}, Layout{"skip", "encoding: raw\nbyte skip: 16\n", std::string(16, 'x')},
                          Layout{"end", "encoding: raw\nbyte skip: -1\n", std::string(5, 'x')},
                          Layout{"gzip", "encoding: gzip\n", ""}}) {
    SCOPED_TRACE(l.name);
    const bool gz = std::string(l.name) == "gzip";
    const std::string body = l.prefix + (gz ? gzip(data) : data);
    const std::string whole = std::string(kNrrd) + l.header + "\n" + body;
    test::writeBytes(path("whole.nrrd"), whole);
    expectExact(path("whole.nrrd"));
    // byte skip -1 defines the voxels as the file's last bytes: a file cut at its end
    // is only detectable once the voxels would reach into the header.
    const bool atEnd = std::string(l.name) == "end";
    for (size_t missing : atEnd ? std::vector<size_t>{6, 20} : std::vector<size_t>{1, 2, 20}) {
      test::writeBytes(path("cut.nrrd"), whole.substr(0, whole.size() - missing));
      expectRefused(path("cut.nrrd"));
    }
  }
}

TEST_F(DataLayoutSizeCheck, NrrdDetachedDataFile) {
  const std::string data = voxels();
  for (const bool gz : {false, true}) {
    SCOPED_TRACE(gz ? "gzip" : "raw");
    const std::string name = gz ? "voxels.raw.gz" : "voxels.raw";
    test::writeBytes(path("detached.nhdr"), std::string(kNrrd) + "encoding: " + (gz ? "gzip" : "raw") +
                                                "\ndata file: " + name + "\n\n");
    const std::string stored = gz ? gzip(data) : data;
    test::writeBytes(path(name), stored);
    expectExact(path("detached.nhdr"));
    test::writeBytes(path(name), stored.substr(0, stored.size() - 3));
    expectRefused(path("detached.nhdr"));
  }
}

TEST_F(DataLayoutSizeCheck, MetaImageLocalDetachedAndCompressed) {
  const std::string data = voxels();
  const std::string header = "ObjectType = Image\nNDims = 3\nBinaryData = True\nBinaryDataByteOrderMSB = False\n"
                             "DimSize = 4 3 2\nElementType = MET_SHORT\n";
  // Voxels after the header.
  const std::string local = header + "ElementDataFile = LOCAL\n" + data;
  test::writeBytes(path("local.mha"), local);
  expectExact(path("local.mha"));
  test::writeBytes(path("local.mha"), local.substr(0, local.size() - 1));
  expectRefused(path("local.mha"));
  // In a data file of their own.
  test::writeBytes(path("data.raw"), data);
  test::writeBytes(path("detached.mhd"), header + "ElementDataFile = data.raw\n");
  expectExact(path("detached.mhd"));
  test::writeBytes(path("data.raw"), data.substr(0, data.size() - 2));
  expectRefused(path("detached.mhd"));
  // zlib-compressed with its size in the header.
  uLongf packedSize = compressBound(data.size());
  std::string packed(packedSize, '\0');
  compress(reinterpret_cast<Bytef*>(packed.data()), &packedSize, reinterpret_cast<const Bytef*>(data.data()), data.size());
  packed.resize(packedSize);
  const std::string compressed = "ObjectType = Image\nNDims = 3\nBinaryData = True\nBinaryDataByteOrderMSB = False\n"
                                 "CompressedData = True\nCompressedDataSize = " + std::to_string(packed.size()) +
                                 "\nDimSize = 4 3 2\nElementType = MET_SHORT\nElementDataFile = LOCAL\n";
  test::writeBytes(path("packed.mha"), compressed + packed);
  expectExact(path("packed.mha"));
  test::writeBytes(path("packed.mha"), compressed + packed.substr(0, packed.size() - 4));
  expectRefused(path("packed.mha"));
}

}  // namespace
}  // namespace aunet::io
