#define BOOST_TEST_MODULE torch_save_file
#include <boost/test/unit_test.hpp>

#include <torch/serialize.h>
#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/model/torch_save_file.hpp>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using namespace std::string_literals;  // pickles hold NUL bytes
using gz::testing::TempDir;

namespace {

// The value read back from an archive of the pickle @p pickle and the records @p extra,
// or the error's message prefixed by "!".
std::string outcome(const TempDir& dir, const std::string& pickle,
                    const std::vector<std::pair<std::string, std::string>>& extra = {},
                    c10::IValue* value = nullptr) {
  gz::ZipWriter writer;
  writer.add("m/data.pkl", pickle);
  for (const auto& [name, data] : extra) writer.add(name, data);
  gz::testing::write_text(dir / "f.pth", writer.finish());
  try {
    const c10::IValue v = gz::read_torch_save(gz::ZipReader(dir / "f.pth"));
    if (value) *value = v;
    return "ok";
  } catch (const gz::Error& e) {
    return std::string("!") + e.what();
  }
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Pickle of one float tensor of @p numel elements in storage "0", with @p size and @p stride.
std::string tensor_pickle(const std::string& size, const std::string& stride, int numel) {
  return "\x80\x02}(X\x01\x00\x00\x00w"s +
         "ctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storagectorch\nFloatStorage\n"
         "X\x01\x00\x00\x00"
         "0X\x03\x00\x00\x00"
         "cpuK"s +
         std::string(1, static_cast<char>(numel)) + "tQK\x00"s + size + stride +
         "\x89"
         "ccollections\nOrderedDict\n)RtRu."s;
}

}  // namespace

BOOST_AUTO_TEST_CASE(state_dicts_round_trip_with_types_and_order) {
  TempDir dir;
  const std::vector<std::pair<std::string, torch::Tensor>> tensors = {
      {"b.weight", torch::rand({3, 2})},
      {"a.bias", torch::rand({4}).to(torch::kFloat64)},
      {"a.num_batches_tracked", torch::tensor(7, torch::kInt64)},
      {"mask", torch::tensor({true, false})},
      {"half", torch::rand({2, 2}).to(torch::kFloat16).t()},  // not contiguous
      {"empty", torch::zeros({0, 5})}};
  gz::ZipWriter writer;
  gz::add_state_dict(writer, "model", tensors);
  gz::testing::write_text(dir / "sd.pth", writer.finish());
  const gz::ZipReader zip(dir / "sd.pth");
  BOOST_TEST(zip.record("model/version") == "3\n");
  const c10::IValue value = gz::read_torch_save(zip);
  BOOST_REQUIRE(value.isGenericDict());
  const auto dict = value.toGenericDict();
  BOOST_REQUIRE(dict.size() == tensors.size());
  std::size_t i = 0;
  for (const auto& entry : dict) {  // in the file's order
    BOOST_TEST(entry.key().toStringRef() == tensors[i].first);
    const torch::Tensor t = entry.value().toTensor();
    BOOST_TEST(t.scalar_type() == tensors[i].second.scalar_type(), tensors[i].first);
    BOOST_TEST(torch::equal(t, tensors[i].second), tensors[i].first);
    ++i;
  }
  gz::ZipWriter bad;
  BOOST_CHECK_THROW(gz::add_state_dict(bad, "m", {{"c", torch::zeros({1}, torch::kComplexFloat)}}),
                    gz::Error);
}

// LibTorch's own writer (torch::pickle_save: type tags, zip64 fields) reads back too.
BOOST_AUTO_TEST_CASE(libtorch_pickle_save_files_are_read) {
  TempDir dir;
  c10::impl::GenericDict dict(c10::StringType::get(), c10::TensorType::get());
  dict.insert("x", torch::arange(6).view({2, 3}).to(torch::kFloat32));
  const std::vector<char> bytes = torch::pickle_save(c10::IValue(dict));
  gz::testing::write_text(dir / "lt.pth", std::string(bytes.begin(), bytes.end()));
  const auto back = gz::read_torch_save(gz::ZipReader(dir / "lt.pth")).toGenericDict();
  BOOST_TEST(torch::equal(back.at("x").toTensor(), dict.at("x").toTensor()));
}

BOOST_AUTO_TEST_CASE(what_python_pickles_in_checkpoints_is_read) {
  TempDir dir;
  // An OrderedDict with its _metadata (BUILD), a list of a float, None and booleans, a
  // negative LONG1 in nested tuples and a memo reference.
  c10::IValue value;
  const std::string simple =
      "\x80\x02"
      "ccollections\nOrderedDict\nq\x00)Rq\x01("
      "X\x01\x00\x00\x00"
      "aK\x05"
      "X\x01\x00\x00\x00"
      "b]q\x02(G?\xe0\x00\x00\x00\x00\x00\x00N\x88\x89"
      "e"
      "X\x01\x00\x00\x00"
      "c\x8a\x02\x00\xff"
      "K\x01K\x02\x86\x86"
      "X\x01\x00\x00\x00"
      "dh\x02"
      "u}X\x09\x00\x00\x00_metadatah\x00)Rsb."s;
  BOOST_REQUIRE_EQUAL(outcome(dir, simple, {}, &value), "ok");
  BOOST_TEST(has(outcome(dir, "\x80\x02I00\n."), "pickle opcode 73"));  // protocol 0
  const auto dict = value.toGenericDict();
  BOOST_TEST(dict.at("a").toInt() == 5);
  const auto list = dict.at("b").toList();
  BOOST_REQUIRE(list.size() == 4u);
  BOOST_TEST(list.get(0).toDouble() == 0.5);
  BOOST_TEST(list.get(1).isNone());
  BOOST_TEST(list.get(2).toBool());
  BOOST_TEST(!list.get(3).toBool());
  const auto& tuple = dict.at("c").toTupleRef().elements();
  BOOST_REQUIRE(tuple.size() == 2u);
  BOOST_TEST(tuple[0].toInt() == -256);
  BOOST_TEST(tuple[1].toTupleRef().elements()[1].toInt() == 2);
  BOOST_TEST(dict.at("d").toList().size() == 4u);  // the memo's reference to "b"
}

BOOST_AUTO_TEST_CASE(tensors_are_checked_against_their_storage) {
  TempDir dir;
  const std::string six(24, '\0');  // six float zeros
  const auto ok = tensor_pickle("K\x02K\x03\x86"s, "K\x03K\x01\x86"s, 6);
  c10::IValue value;
  BOOST_REQUIRE_EQUAL(outcome(dir, ok, {{"m/data/0", six}}, &value), "ok");
  BOOST_TEST(value.toGenericDict().at("w").toTensor().sizes() == (std::vector<std::int64_t>{2, 3}),
             boost::test_tools::per_element());
  BOOST_TEST(has(outcome(dir, ok, {}), "no record 'm/data/0'"));
  BOOST_TEST(has(outcome(dir, ok, {{"m/data/0", six + "x"}}), "25 bytes for 6 elements"));
  const auto past = tensor_pickle("K\x02K\x03\x86"s, "K\x04K\x01\x86"s, 6);
  BOOST_TEST(has(outcome(dir, past, {{"m/data/0", six}}), "tensor larger than its storage"));
  const auto repeated = tensor_pickle("K\x40\x85"s, "K\x00\x85"s, 6);
  BOOST_TEST(has(outcome(dir, repeated, {{"m/data/0", six}}), "tensor larger than its storage"));
}

BOOST_AUTO_TEST_CASE(other_pickles_are_refused_with_the_reason) {
  TempDir dir;
  // torch.save(model): NEWOBJ of the model's class.
  const std::string model =
      "\x80\x02"
      "c__main__\nVGG16Model\n)\x81}b."s;
  BOOST_TEST(has(outcome(dir, model), "Python class __main__.VGG16Model"));
  BOOST_TEST(has(outcome(dir, model), "f.pth"));
  BOOST_TEST(has(outcome(dir,
                         "\x80\x02"
                         "cos\nsystem\nX\x02\x00\x00\x00ls\x85R."s),
                 "made by os.system"));
  BOOST_TEST(has(outcome(dir,
                         "\x80\x02]q\x00h\x00"
                         "a."s),
                 "changes a container after using it"));
  BOOST_TEST(has(outcome(dir, "\x80\x02}X\x01"), "damaged pickle"));
  BOOST_TEST(has(outcome(dir, "\x80\x02h\x07."), "never stored"));
  BOOST_TEST(has(outcome(dir, "\x80\x02K\x01K\x02."), "stack of 2"));
  std::string deep = "\x80\x02";
  for (int i = 0; i < 100; ++i) deep += "]";
  for (int i = 0; i < 99; ++i) deep += "a";
  BOOST_TEST(has(outcome(dir, deep + "."), "nested too deeply"));
  BOOST_TEST(has(outcome(dir, "\x80\x02K\x01.", {{"m/constants.pkl", "x"}}), "TorchScript"));
  gz::ZipWriter empty;
  empty.add("m/other", "x");
  gz::testing::write_text(dir / "e.pth", empty.finish());
  BOOST_CHECK_THROW(gz::read_torch_save(gz::ZipReader(dir / "e.pth")), gz::CorruptFileError);
}
