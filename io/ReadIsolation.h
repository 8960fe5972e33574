#pragma once
// Reading untrusted images in a helper process. A damaged file can still make a
// third-party decoder (ITK, GDCM, NIfTI, MetaIO, libpng, libtiff, OpenCV) abort,
// crash or hang; fuzzing has found nine such paths and fixed them, and there are
// more. With isolation on, readImage(), readLabelMap(), readImageInfo() and
// scanDicomSeries() run the decoder in a fresh `aunet-image-reader` process and receive the result through a
// pipe: a crash or a hang then fails that one file with a one-line error, and a batch
// goes on with the others.
//
// A process-wide choice, made once at startup: the aunet CLI and viewer turn it on;
// the library, its tests and the fuzz targets leave it off, so sanitizers and
// fuzzers see a crash where it happens.

#include <string>

namespace aunet::io {

struct ReadIsolation {
  // The helper executable; empty: read in this process.
  std::string helperPath;
  // Give up on a file (kill the helper) after this many seconds; 0: wait forever.
  double timeoutSeconds = 0.0;
};

// Not thread-safe against concurrent reads: call before any image is read.
void setReadIsolation(const ReadIsolation& isolation);
const ReadIsolation& readIsolation();

// $AUNET_IMAGE_READER when set (packagers who install the helper elsewhere, tests
// that stand a failing helper in for it), else `aunet-image-reader` in the folder of
// the running executable; empty when there is none.
std::string defaultReaderHelper();

}  // namespace aunet::io
