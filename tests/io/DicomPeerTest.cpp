// "AET@host:port" as --to and --send-to take it: the parts, and errors that name the
// flag and say what is wrong.

#include <gtest/gtest.h>

#include "core/Error.h"
#include "io/DicomPeer.h"

namespace aunet::io {
namespace {

std::string parseError(const std::string& text, const std::string& flag = "--to") {
  try {
    DicomPeer::parse(text, flag);
  } catch (const core::Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(DicomPeerTest, ParsesAeTitleHostAndPort) {
  const DicomPeer p = DicomPeer::parse("ORTHANC@pacs.example.org:4242", "--to");
  EXPECT_EQ(p.aeTitle, "ORTHANC");
  EXPECT_EQ(p.host, "pacs.example.org");
  EXPECT_EQ(p.port, 4242);
  EXPECT_EQ(p.toString(), "ORTHANC@pacs.example.org:4242");
  EXPECT_EQ(DicomPeer::parse("A B@10.0.0.5:104", "--to").aeTitle, "A B");
}

TEST(DicomPeerTest, ErrorsNameTheFlagAndTheProblem) {
  EXPECT_EQ(parseError("ORTHANC@localhost", "--send-to"),
            "--send-to 'ORTHANC@localhost': no ':port' after the host (expected AET@host:port, e.g. "
            "ORTHANC@pacs.example.org:4242)");
  EXPECT_NE(parseError("localhost:4242").find("no '@' between the AE title and the host"), std::string::npos);
  EXPECT_NE(parseError("@localhost:4242").find("the AE title is empty"), std::string::npos);
  EXPECT_NE(parseError("ABCDEFGHIJKLMNOPQ@h:1").find("longer than 16 characters"), std::string::npos);
  EXPECT_NE(parseError("A\\B@h:1").find("character DICOM does not allow"), std::string::npos);
  EXPECT_NE(parseError("AE@:104").find("the host is empty"), std::string::npos);
  EXPECT_NE(parseError("AE@h/x:104").find("not a host name"), std::string::npos);
  EXPECT_NE(parseError("AE@h:0").find("'0' is not a number from 1 to 65535"), std::string::npos);
  EXPECT_NE(parseError("AE@h:65536").find("not a number from 1 to 65535"), std::string::npos);
  EXPECT_NE(parseError("AE@h:4x").find("not a number"), std::string::npos);
  EXPECT_NE(parseError("AE@h:").find("not a number"), std::string::npos);
}

TEST(DicomPeerTest, OwnAeTitleIsChecked) {
  EXPECT_NO_THROW(checkAeTitle("AUNET", "--ae-title"));
  EXPECT_THROW(checkAeTitle("", "--ae-title"), core::Error);
  EXPECT_THROW(checkAeTitle("    ", "--ae-title"), core::Error);
  try {
    checkAeTitle("WAY_TOO_LONG_AE_TITLE", "--ae-title");
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("--ae-title 'WAY_TOO_LONG_AE_TITLE': ", 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace aunet::io
