// Label statistics reports written to files: atomically, readable back, and a
// failure names the file.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "io/LabelStatisticsWriter.h"
#include "tests/io/IoTestSupport.h"

namespace aunet::io {
namespace {

class LabelStatisticsWriterTest : public test::ScratchTest {};

TEST_F(LabelStatisticsWriterTest, JsonAndCsvAreWrittenAtomicallyAndReadBack) {
  core::LabelMap labels(test::obliqueGeometry({6, 5, 4}));
  labels.at(1, 2, 3) = 4;
  const imaging::CaseStatistics a = imaging::computeCaseStatistics("a", labels, nullptr, {{4, "lesion"}});
  writeLabelStatisticsJson(a, path("sub/a.json"));
  writeLabelStatisticsCsv({a, a}, path("batch.csv"));
  EXPECT_EQ(nlohmann::json::parse(test::readBytes(path("sub/a.json"))), imaging::toJson(a));
  EXPECT_EQ(test::readBytes(path("batch.csv")),
            imaging::labelStatisticsCsvHeader() + imaging::labelStatisticsCsvRows(a) + imaging::labelStatisticsCsvRows(a));
  for (const auto& name : entries()) EXPECT_EQ(name.find(".tmp-"), std::string::npos) << name;
}

TEST_F(LabelStatisticsWriterTest, UnwritableTargetThrowsWithThePath) {
  test::writeBytes(path("file"), "x");
  try {
    writeLabelStatisticsCsv({}, path("file/inside.csv"));
    FAIL() << "wrote below a file";
  } catch (const core::Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind(path("file/inside.csv"), 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace aunet::io
