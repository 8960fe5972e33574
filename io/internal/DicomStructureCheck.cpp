#include "io/internal/DicomStructureCheck.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace aunet::io::internal {

namespace {

constexpr uint32_t kUndefinedLength = 0xFFFFFFFFu;
constexpr int kMaxDepth = 32;

// Value representations whose explicit-VR header has 2 reserved bytes and a 4-byte length.
bool isLongVr(const char* vr) {
  static const char* const kLong[] = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"};
  for (const char* l : kLong)
    if (vr[0] == l[0] && vr[1] == l[1]) return true;
  return false;
}

// The value representations of PS3.5 6.2; GDCM reads an element whose two VR bytes
// are none of these as implicit VR (tag + 4-byte length).
bool isKnownVr(const char* vr) {
  static const char* const kAll[] = {"AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO",
                                     "LT", "OB", "OD", "OF", "OL", "OV", "OW", "PN", "SH", "SL", "SQ",
                                     "SS", "ST", "SV", "TM", "UC", "UI", "UL", "UN", "UR", "US", "UT", "UV"};
  for (const char* v : kAll)
    if (vr[0] == v[0] && vr[1] == v[1]) return true;
  return false;
}

uint64_t u32le(const unsigned char* p) {
  return static_cast<uint64_t>(p[0]) | (static_cast<uint64_t>(p[1]) << 8) | (static_cast<uint64_t>(p[2]) << 16) |
         (static_cast<uint64_t>(p[3]) << 24);
}

// The element headers of one file, read on demand (values are skipped, never read).
class ElementWalker {
 public:
  explicit ElementWalker(const std::string& file) : in_(file, std::ios::binary) {
    in_.seekg(0, std::ios::end);
    size_ = in_ ? static_cast<uint64_t>(in_.tellg()) : 0;
  }

  bool open() const { return static_cast<bool>(in_); }
  uint64_t size() const { return size_; }

  bool read(uint64_t at, void* out, size_t n) {
    if (at + n > size_) return false;
    in_.clear();
    in_.seekg(static_cast<std::streamoff>(at));
    return static_cast<bool>(in_.read(static_cast<char*>(out), static_cast<std::streamsize>(n)));
  }

  // The reason the file is truncated, or empty. `pos` is where the walk stands.
  std::string problem;
  // The data set's byte order (the meta group is always little endian).
  bool bigEndian = false;

  // The top-level pixel encoding the walk saw (0 / empty when absent).
  unsigned bitsAllocated = 0, bitsStored = 0, pixelRepresentation = 0;
  std::string rescaleIntercept, rescaleSlope;
  std::string seriesInstanceUid;
  // Top-level data set elements whose headers were read.
  int topLevelElements = 0;

  unsigned u16(const unsigned char* p) const {
    return bigEndian ? static_cast<unsigned>((p[0] << 8) | p[1]) : static_cast<unsigned>(p[0] | (p[1] << 8));
  }
  uint64_t u32(const unsigned char* p) const {
    if (!bigEndian) return u32le(p);
    return (static_cast<uint64_t>(p[0]) << 24) | (static_cast<uint64_t>(p[1]) << 16) |
           (static_cast<uint64_t>(p[2]) << 8) | static_cast<uint64_t>(p[3]);
  }

  void recordPixelEncoding(uint32_t tag, uint64_t at, uint64_t length) {
    if ((tag == 0x00280100 || tag == 0x00280101 || tag == 0x00280103) && length == 2) {
      unsigned char v[2];
      if (!read(at, v, 2)) return;
      const unsigned value = u16(v);
      (tag == 0x00280100 ? bitsAllocated : tag == 0x00280101 ? bitsStored : pixelRepresentation) = value;
    } else if (tag == 0x0020000E && length > 0 && length <= 64) {
      std::string text(static_cast<size_t>(length), '\0');
      if (!read(at, text.data(), text.size())) return;
      while (!text.empty() && (text.back() == '\0' || text.back() == ' ')) text.pop_back();
      seriesInstanceUid = text;
    } else if ((tag == 0x00281052 || tag == 0x00281053) && length > 0 && length <= 64) {
      std::string text(static_cast<size_t>(length), '\0');
      if (!read(at, text.data(), text.size())) return;
      (tag == 0x00281052 ? rescaleIntercept : rescaleSlope) = text;
    }
  }

  // Elements from `pos` until `end` (defined length) or, when `end` is 0, until the
  // delimiter `stopTag` (undefined length). Explicit or implicit VR, little endian.
  // Returns false when the walk cannot go on (truncated: `problem` says why; or
  // not walkable: `problem` stays empty).
  bool walk(uint64_t& pos, uint64_t end, uint32_t stopTag, bool explicitVr, int depth) {
    if (depth > kMaxDepth) return false;
    while (end == 0 || pos < end) {
      // The file ends cleanly between items: some writers omit the last delimiter, and
      // GDCM reads such files; only a cut inside a header or value is refused.
      if (end == 0 && pos == size_) return false;
      unsigned char h[12];
      if (!read(pos, h, 8)) return truncated(pos, "an element header");
      const uint16_t group = static_cast<uint16_t>(u16(h));
      const uint16_t element = static_cast<uint16_t>(u16(h + 2));
      const uint32_t tag = (static_cast<uint32_t>(group) << 16) | element;
      uint64_t length = 0;
      uint64_t headerSize = 8;
      bool sequence = false, innerExplicit = explicitVr;
      if (group == 0xFFFE) {  // items and delimiters: tag + 4-byte length, never a VR
        length = u32(h + 4);
        if (tag == stopTag) {
          pos += 8;
          return true;
        }
        if (tag == 0xFFFEE00D || tag == 0xFFFEE0DD) {  // a stray delimiter: leave it to GDCM
          pos += 8;
          continue;
        }
        sequence = length == kUndefinedLength;  // an item of undefined length holds elements
      } else if (explicitVr && !isKnownVr(reinterpret_cast<const char*>(h + 4))) {
        length = u32(h + 4);  // an unknown VR: read as implicit, as GDCM does
        sequence = length == kUndefinedLength;
      } else if (explicitVr) {
        const char vr[2] = {static_cast<char>(h[4]), static_cast<char>(h[5])};
        if (isLongVr(vr)) {
          if (!read(pos, h, 12)) return truncated(pos, "an element header");
          headerSize = 12;
          length = u32(h + 8);
        } else {
          length = u16(h + 6);
        }
        sequence = length == kUndefinedLength;
        // An undefined-length UN element holds an implicit-VR sequence (PS3.5 6.2.2).
        if (sequence && vr[0] == 'U' && vr[1] == 'N') innerExplicit = false;
      } else {
        length = u32(h + 4);
        sequence = length == kUndefinedLength;
      }
      // Meta elements never have an undefined length; in a preamble-less file GDCM
      // asserted on one (found by fuzz_image_reader).
      if (group == 0x0002 && sequence) {
        problem = "DICOM meta element " + tagText(group, element) + " has an undefined length at byte " +
                  std::to_string(pos);
        return false;
      }
      const uint64_t start = pos;
      pos += headerSize;
      if (depth == 0) ++topLevelElements;
      if (sequence) {
        // Items (or, for an item, elements) until the matching delimiter.
        const uint32_t stop = group == 0xFFFE ? 0xFFFEE00D : 0xFFFEE0DD;
        if (!walk(pos, 0, stop, innerExplicit, depth + 1)) return false;
        continue;
      }
      if (pos + length > size_) return truncated(start, "element " + tagText(group, element), length);
      if (depth == 0) recordPixelEncoding(tag, pos, length);
      // GDCM also asserts on a Samples per Pixel other than 1, 3 or 4 (found by fuzz_image_reader).
      if (depth == 0 && tag == 0x00280002 && length == 2) {
        unsigned char v[2];
        const unsigned samples = read(pos, v, 2) ? u16(v) : 1u;
        if (samples != 1 && samples != 3 && samples != 4) {
          problem = "unsupported Samples per Pixel (0028,0002) = " + std::to_string(samples) + " (1, 3 or 4)";
          return false;
        }
      }
      if (end != 0 && pos + length > end) return false;  // inconsistent nesting: GDCM's call
      pos += length;
    }
    return true;
  }

 private:
  static std::string tagText(uint16_t group, uint16_t element) {
    char text[16];
    std::snprintf(text, sizeof text, "(%04X,%04X)", group, element);
    return text;
  }
  bool truncated(uint64_t at, const std::string& what, uint64_t valueLength = 0) {
    problem = "DICOM file is truncated inside " + what + " at byte " + std::to_string(at);
    if (valueLength > 0) problem += ": its value needs " + std::to_string(valueLength) + " bytes";
    problem += ", the file ends at byte " + std::to_string(size_);
    return false;
  }

  std::ifstream in_;
  uint64_t size_ = 0;
};

}  // namespace

namespace {

// ITK's GDCM reader asserts (aborting the process) when the range of stored values,
// rescaled by slope and intercept, fits a smaller integer type than the stored one
// (itkGDCMImageIO.cxx: "Pixel type larger than output type"), e.g. 1 bit stored of 16
// with an intercept of 1 (found by fuzz_image_reader). It mirrors GDCM's choice of the
// rescaled type; real series (12 of 16 bits, intercept -1024) pass.
std::string findPixelEncodingProblem(const ElementWalker& w) {
  if (w.bitsAllocated == 0) return {};
  if (w.bitsStored == 0 || w.bitsStored > w.bitsAllocated)
    return "impossible Bits Stored (0028,0101) = " + std::to_string(w.bitsStored) + " for Bits Allocated " +
           std::to_string(w.bitsAllocated);
  if (w.bitsAllocated != 8 && w.bitsAllocated != 16 && w.bitsAllocated != 32) return {};
  auto number = [](const std::string& text, double fallback) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    return end == text.c_str() || !std::isfinite(v) ? fallback : v;
  };
  const double slope = number(w.rescaleSlope, 1.0), intercept = number(w.rescaleIntercept, 0.0);
  if (slope == 1.0 && intercept == 0.0) return {};
  if (slope != std::floor(slope) || intercept != std::floor(intercept)) return {};  // rescaled to float
  const bool signedStored = w.pixelRepresentation == 1;
  const double bits = static_cast<double>(w.bitsStored);
  const double lo = signedStored ? -std::ldexp(1.0, static_cast<int>(bits) - 1) : 0.0;
  const double hi = signedStored ? std::ldexp(1.0, static_cast<int>(bits) - 1) - 1.0 : std::ldexp(1.0, static_cast<int>(bits)) - 1.0;
  const double a = lo * slope + intercept, b = hi * slope + intercept;
  const double rmin = std::min(a, b), rmax = std::max(a, b);
  // GDCM's scalar type order: UINT8 < INT8 < UINT16 < INT16 < UINT32 < INT32 < floats.
  auto rank = [](bool isSigned, unsigned width) { return (width == 8 ? 0 : width == 16 ? 2 : 4) + (isSigned ? 1 : 0); };
  int fitted = 6;  // beyond 32-bit integers: a float type
  if (rmin >= 0) {
    fitted = rmax <= 255 ? rank(false, 8) : rmax <= 65535 ? rank(false, 16) : rmax <= 4294967295.0 ? rank(false, 32) : 6;
  } else {
    fitted = rmin >= -128 && rmax <= 127         ? rank(true, 8)
             : rmin >= -32768 && rmax <= 32767   ? rank(true, 16)
             : rmin >= -2147483648.0 && rmax <= 2147483647.0 ? rank(true, 32)
                                                 : 6;
  }
  if (fitted >= rank(signedStored, w.bitsAllocated)) return {};
  std::ostringstream out;
  out << "unsupported pixel encoding: " << w.bitsStored << " of " << w.bitsAllocated
      << " bits stored with Rescale Slope " << slope << " and Intercept " << intercept
      << " (ITK's DICOM reader cannot represent it)";
  return out.str();
}

// A file without the Part 10 preamble that starts like a little-endian data set (group
// 0002 or 0008): GDCM reads those too ("compat" files from old archives), and asserted
// on one cut inside its first element (found by fuzz_image_reader: 4 bytes in a DICOM
// folder). Such files carry no transfer syntax, so both encodings are tried; the file
// is refused only when neither walks cleanly.
// A report, and whether the walk read anything of the data set (a damaged meta group
// or a first element that makes no sense: then only a byte search can tell the series).
struct WalkResult {
  DicomStructureReport report;
  bool learnedNothing = false;
};

WalkResult inspectRawDataSet(const std::string& file) {
  ElementWalker probe(file);
  unsigned char h[2];
  if (!probe.open() || !probe.read(0, h, 2)) return {};
  const unsigned group = h[0] | (h[1] << 8);
  if (group != 0x0002 && group != 0x0008) return {};
  WalkResult result;
  for (const bool explicitVr : {true, false}) {
    ElementWalker walker(file);
    if (!walker.open()) return {};
    uint64_t pos = 0;
    walker.walk(pos, walker.size(), 0, explicitVr, 0);
    if (walker.problem.empty()) return {{findPixelEncodingProblem(walker), walker.seriesInstanceUid}};
    if (result.report.problem.empty())
      result = {{walker.problem, walker.seriesInstanceUid}, walker.topLevelElements <= 1};
  }
  result.report.problem += " (a data set without the DICOM preamble)";
  return result;
}

// The Series Instance UID of a file whose walk stopped before reaching it (a damaged
// meta group, a big-endian claim over little-endian bytes): the first (0020,000E)
// element header in its first 64 KiB, explicit or implicit VR little endian, whose
// value looks like a UID. Tells a damaged slice of the series being read from an
// unrelated damaged file.
std::string searchSeriesUid(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::string head(64 * 1024, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  static const std::string tag("\x20\x00\x0e\x00", 4);
  for (size_t at = head.find(tag); at != std::string::npos; at = head.find(tag, at + 1)) {
    size_t length = 0, start = 0;
    if (at + 8 <= head.size() && head.compare(at + 4, 2, "UI") == 0) {
      length = static_cast<unsigned char>(head[at + 6]) | (static_cast<unsigned char>(head[at + 7]) << 8);
      start = at + 8;
    } else if (at + 8 <= head.size()) {
      length = static_cast<size_t>(u32le(reinterpret_cast<const unsigned char*>(head.data() + at + 4)));
      start = at + 8;
    }
    if (length == 0 || length > 64 || start + length > head.size()) continue;
    std::string uid = head.substr(start, length);
    while (!uid.empty() && (uid.back() == '\0' || uid.back() == ' ')) uid.pop_back();
    if (!uid.empty() && uid.find_first_not_of("0123456789.") == std::string::npos) return uid;
  }
  return {};
}

WalkResult inspectWalked(const std::string& file);

}  // namespace

std::string findDicomStructureProblem(const std::string& file) { return inspectWalked(file).report.problem; }

DicomStructureReport inspectDicomStructure(const std::string& file) {
  WalkResult walked = inspectWalked(file);
  // Only when the walk read nothing of the data set: a byte search might otherwise
  // find a UID nested in a sequence (an RTSTRUCT's referenced series).
  if (!walked.report.problem.empty() && walked.learnedNothing) walked.report.seriesInstanceUid = searchSeriesUid(file);
  return walked.report;
}

namespace {

WalkResult inspectWalked(const std::string& file) {
  ElementWalker walker(file);
  if (!walker.open()) return {};
  char magic[4];
  if (!walker.read(128, magic, 4) || std::memcmp(magic, "DICM", 4) != 0) return inspectRawDataSet(file);
  if (walker.size() < 140)
    return {{"DICOM file is truncated inside its meta header (" + std::to_string(walker.size()) + " bytes)", {}}, true};

  // The meta group: explicit VR little endian, group 0002; (0002,0010) names the
  // data set's transfer syntax.
  uint64_t pos = 132;
  std::string syntax;
  while (true) {
    unsigned char h[8];
    if (!walker.read(pos, h, 8)) {
      // Even a cut right after the meta group (no data set at all) makes GDCM assert.
      return {{"DICOM file is truncated inside its meta header at byte " + std::to_string(pos), {}}, true};
    }
    if ((h[0] | (h[1] << 8)) != 0x0002) break;
    const uint64_t start = pos;
    uint64_t length = static_cast<uint64_t>(h[6] | (h[7] << 8));
    uint64_t headerSize = 8;
    const char vr[2] = {static_cast<char>(h[4]), static_cast<char>(h[5])};
    if (!isKnownVr(vr)) {
      // No VR: GDCM then reads the group as implicit VR (tag + 4-byte length) and
      // asserts when it runs out of file (found twice by fuzz_image_reader: "U,", "UQ").
      length = u32le(h + 4);
    } else if (isLongVr(vr)) {
      unsigned char l[12];
      if (!walker.read(pos, l, 12))
        return {{"DICOM file is truncated inside its meta header at byte " + std::to_string(pos), {}}, true};
      length = u32le(l + 8);
      headerSize = 12;
    }
    if (length == kUndefinedLength || start + headerSize + length > walker.size())
      return {{"DICOM file is truncated inside its meta header at byte " + std::to_string(start) + " (the file has " +
                   std::to_string(walker.size()) + " bytes)",
               {}},
              true};
    if ((h[2] | (h[3] << 8)) == 0x0010 && length < 128) {
      syntax.resize(static_cast<size_t>(length));
      walker.read(start + headerSize, syntax.data(), syntax.size());
      while (!syntax.empty() && (syntax.back() == '\0' || syntax.back() == ' ')) syntax.pop_back();
    }
    pos = start + headerSize + length;
  }

  if (syntax == "1.2.840.10008.1.2.1.99") return {};  // deflated: GDCM inflates it, nothing to walk here
  // Big endian (retired, but archives hold it): GDCM allocated 2.3 GB for a 349-byte
  // file whose big-endian length went unchecked (found by fuzz_image_reader).
  walker.bigEndian = syntax == "1.2.840.10008.1.2.2";
  const bool explicitVr = syntax != "1.2.840.10008.1.2";
  walker.walk(pos, walker.size(), 0, explicitVr, 0);
  if (!walker.problem.empty()) return {{walker.problem, walker.seriesInstanceUid}, walker.topLevelElements <= 1};
  return {{findPixelEncodingProblem(walker), walker.seriesInstanceUid}};
}

}  // namespace

}  // namespace aunet::io::internal
