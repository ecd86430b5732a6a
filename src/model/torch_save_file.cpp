#include "galaxyzoo/model/torch_save_file.hpp"

#include <cstdint>
#include <cstring>
#include <map>
#include <unordered_map>

#include "galaxyzoo/core/error.hpp"

namespace galaxyzoo {
namespace {

// Python's storage classes, as torch.save names them, and their types.
const std::map<std::string, c10::ScalarType>& storage_types() {
  static const std::map<std::string, c10::ScalarType> types = {
      {"torch.FloatStorage", torch::kFloat32}, {"torch.DoubleStorage", torch::kFloat64},
      {"torch.HalfStorage", torch::kFloat16},  {"torch.BFloat16Storage", torch::kBFloat16},
      {"torch.LongStorage", torch::kInt64},    {"torch.IntStorage", torch::kInt32},
      {"torch.ShortStorage", torch::kInt16},   {"torch.CharStorage", torch::kInt8},
      {"torch.ByteStorage", torch::kUInt8},    {"torch.BoolStorage", torch::kBool}};
  return types;
}

constexpr int kMaxDepth = 64;  // nesting of containers: state dicts need 3, checkpoints 5

// One entry of the pickle machine's stack: a value, a MARK, a Python global (a class or
// function named by GLOBAL), a tuple (kept apart, as it may hold globals) or a storage.
struct Item {
  enum class Kind { value, mark, global, tuple, storage };
  Kind kind = Kind::value;
  c10::IValue value;        // value; storage: its 1-D tensor
  std::string name;         // global: "module.name"
  std::vector<Item> items;  // tuple
  int depth = 0;            // containers nested inside, this one included
};

// Reads the pickle of one torch.save file.
class Unpickler {
 public:
  Unpickler(const ZipReader& zip, std::string folder)
      : zip_(zip), folder_(std::move(folder)), in_(zip.record(folder_ + "data.pkl")) {}

  c10::IValue run();

 private:
  Error unsupported(const std::string& what) const {
    return Error("'" + zip_.path().string() + "': " + what +
                 "; galaxyzoo reads state dicts and checkpoints of tensors (docs/python.md)");
  }
  CorruptFileError damaged(const std::string& what) const {
    return CorruptFileError(zip_.path(), "damaged pickle (" + what + ") at byte " +
                                             std::to_string(at_) + " of data.pkl");
  }
  std::string_view take(std::uint64_t n) {
    if (in_.size() - at_ < n) throw damaged("ends early");
    at_ += n;
    return in_.substr(at_ - n, n);
  }
  std::uint64_t number(int bytes) {
    const std::string_view b = take(static_cast<std::uint64_t>(bytes));
    std::uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(b[i]);
    return v;
  }
  std::string line() {
    const std::size_t end = in_.find('\n', at_);
    if (end == std::string_view::npos) throw damaged("a name without its end");
    const std::uint64_t length = end - at_;
    return std::string(take(length + 1).substr(0, length));
  }
  Item& top() {
    if (stack_.empty() || stack_.back().kind == Item::Kind::mark) throw damaged("empty stack");
    return stack_.back();
  }
  Item pop() {
    Item item = std::move(top());
    stack_.pop_back();
    return item;
  }
  // Marks @p item, if a list or dict, as placed inside another container.
  void freeze(const Item& item) {
    if (item.kind == Item::Kind::value && (item.value.isList() || item.value.isGenericDict()))
      frozen_.emplace(item.value.internalToPointer(), item.value);
  }
  std::vector<Item> pop_to_mark() {
    std::size_t mark = stack_.size();
    while (mark > 0 && stack_[mark - 1].kind != Item::Kind::mark) --mark;
    if (mark == 0) throw damaged("no mark");
    std::vector<Item> items(std::make_move_iterator(stack_.begin() + mark),
                            std::make_move_iterator(stack_.end()));
    stack_.resize(mark - 1);
    return items;
  }
  void push(c10::IValue value) { stack_.push_back({Item::Kind::value, std::move(value)}); }
  void push_tuple(std::vector<Item> items);
  c10::IValue value_of(Item item);
  void add_to(Item& container, std::vector<Item> items, bool pairs);
  void reduce();
  void persistent_id();
  bool literal(unsigned char op);
  bool memo(unsigned char op);
  void add_popped(std::size_t n, bool pairs);
  bool step(unsigned char op);
  torch::Tensor rebuild_tensor(const std::vector<Item>& args);

  const ZipReader& zip_;
  std::string folder_;
  std::string_view in_;
  std::uint64_t at_ = 0;
  std::vector<Item> stack_;
  std::unordered_map<std::uint64_t, Item> memo_;
  std::map<std::string, torch::Tensor> storages_;  // by record
  // Containers already placed inside another: they may not change any more, so that the
  // depth recorded for them stays true and no container can hold itself. Each is kept alive
  // here: a container freed while unpickling would let a new one take its address.
  std::unordered_map<const void*, c10::IValue> frozen_;
};

void Unpickler::push_tuple(std::vector<Item> items) {
  Item tuple{Item::Kind::tuple};
  for (const Item& i : items) {
    freeze(i);
    tuple.depth = std::max(tuple.depth, i.depth + 1);
  }
  if (tuple.depth > kMaxDepth) throw unsupported("containers nested too deeply");
  tuple.items = std::move(items);
  stack_.push_back(std::move(tuple));
}

// The value of @p item as an IValue: tuples become IValue tuples; globals and storages
// are not values.
c10::IValue Unpickler::value_of(Item item) {
  if (item.kind == Item::Kind::value) return std::move(item.value);
  if (item.kind == Item::Kind::tuple) {
    std::vector<c10::IValue> values;
    for (Item& i : item.items) values.push_back(value_of(std::move(i)));
    return c10::ivalue::Tuple::create(std::move(values));
  }
  if (item.kind == Item::Kind::global)
    throw unsupported("pickles the Python object '" + item.name + "' as a value");
  throw damaged("a storage used as a value");
}

// APPEND(S) (@p pairs false) or SETITEM(S) (@p pairs true) of @p items into @p container.
void Unpickler::add_to(Item& container, std::vector<Item> items, bool pairs) {
  const c10::IValue& target = container.value;
  if (container.kind != Item::Kind::value || !(pairs ? target.isGenericDict() : target.isList()))
    throw damaged(pairs ? "SETITEMS on something not a dict" : "APPENDS on something not a list");
  if (pairs && items.size() % 2 != 0) throw damaged("a key without its value");
  for (const Item& item : items) freeze(item);
  if (frozen_.count(target.internalToPointer()))
    throw unsupported("a pickle that changes a container after using it");
  for (std::size_t i = 0; i < items.size(); ++i) {
    Item& item = items[i];
    container.depth = std::max(container.depth, item.depth + 1);
    if (container.depth > kMaxDepth) throw unsupported("containers nested too deeply");
    if (!pairs) {
      target.toList().push_back(value_of(std::move(item)));
      continue;
    }
    c10::IValue key = value_of(std::move(item));
    if (!key.isString() && !key.isInt() && !key.isBool() && !key.isDouble())
      throw unsupported("a dict key of type " + key.tagKind());
    target.toGenericDict().insert_or_assign(std::move(key), value_of(std::move(items[++i])));
  }
}

// The tensor of torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...): a
// view of the storage, as in Python (tensors of one storage share its memory).
torch::Tensor Unpickler::rebuild_tensor(const std::vector<Item>& args) {
  if (args.size() < 4 || args[0].kind != Item::Kind::storage || !args[1].value.isInt() ||
      args[2].kind != Item::Kind::tuple || args[3].kind != Item::Kind::tuple ||
      args[2].items.size() != args[3].items.size())
    throw damaged("bad arguments of _rebuild_tensor_v2");
  const torch::Tensor storage = args[0].value.toTensor();
  const std::int64_t offset = args[1].value.toInt();
  std::vector<std::int64_t> size, stride;
  if (offset < 0 || offset > storage.numel()) throw damaged("tensor offset past its storage");
  std::int64_t last = offset, elements = 1;  // the largest element index the view reaches
  for (std::size_t d = 0; d < args[2].items.size(); ++d) {
    const c10::IValue& n = args[2].items[d].value;
    const c10::IValue& s = args[3].items[d].value;
    if (!n.isInt() || !s.isInt() || n.toInt() < 0 || s.toInt() < 0)
      throw damaged("bad tensor size or stride");
    size.push_back(n.toInt());
    stride.push_back(s.toInt());
    elements = n.toInt() == 0 ? 0 : elements;
    // No more elements than the storage holds (a view may not repeat it), no index past it.
    if (elements != 0 && (n.toInt() > storage.numel() / elements ||
                          (s.toInt() > 0 && n.toInt() - 1 > (storage.numel() - last) / s.toInt())))
      throw damaged("tensor larger than its storage");
    if (elements != 0) {
      elements *= n.toInt();
      last += (n.toInt() - 1) * s.toInt();
    }
  }
  if (elements != 0 && last >= storage.numel()) throw damaged("tensor larger than its storage");
  return storage.as_strided(size, stride, offset);
}

// BINPERSID: ('storage', torch.XStorage, key, location, numel) -> the storage's tensor,
// read from record data/KEY once and shared by the tensors that use it.
void Unpickler::persistent_id() {
  const Item id = pop();
  const auto& items = id.items;
  if (id.kind != Item::Kind::tuple || items.size() != 5 || !items[0].value.isString() ||
      items[0].value.toStringRef() != "storage" || items[1].kind != Item::Kind::global ||
      !items[2].value.isString() || !items[4].value.isInt())
    throw damaged("a persistent id that is not a storage");
  const auto type = storage_types().find(items[1].name);
  if (type == storage_types().end()) throw unsupported("a storage of type " + items[1].name);
  const std::string record = folder_ + "data/" + items[2].value.toStringRef();
  if (const auto found = storages_.find(record); found != storages_.end()) {
    stack_.push_back({Item::Kind::storage, found->second});
    return;
  }
  const std::string_view bytes = zip_.record(record);
  const std::int64_t numel = items[4].value.toInt();
  const auto element = static_cast<std::int64_t>(c10::elementSize(type->second));
  if (numel < 0 || static_cast<std::uint64_t>(numel) * element != bytes.size())
    throw CorruptFileError(zip_.path(), "record '" + record + "' has " +
                                            std::to_string(bytes.size()) + " bytes for " +
                                            std::to_string(numel) + " elements");
  torch::Tensor storage = torch::empty({numel}, torch::TensorOptions(type->second));
  if (!bytes.empty()) std::memcpy(storage.data_ptr(), bytes.data(), bytes.size());
  stack_.push_back({Item::Kind::storage, storages_[record] = storage});
}

// REDUCE: callable(*args) for the callables torch.save uses.
void Unpickler::reduce() {
  Item args = pop();
  const Item callable = pop();
  if (callable.kind != Item::Kind::global || args.kind != Item::Kind::tuple)
    throw damaged("REDUCE of something not callable");
  const std::string& f = callable.name;
  if (f == "collections.OrderedDict" && args.items.empty()) {
    push(c10::impl::GenericDict(c10::AnyType::get(), c10::AnyType::get()));
  } else if (f == "torch._utils._rebuild_tensor_v2") {
    push(rebuild_tensor(args.items));
  } else if (f == "torch._utils._rebuild_parameter" && !args.items.empty() &&
             args.items[0].value.isTensor()) {
    push(args.items[0].value);
  } else if ((f == "torch.jit._pickle.restore_type_tag" ||
              f.rfind("torch.jit._pickle.build_", 0) == 0) &&
             !args.items.empty()) {  // LibTorch's type tags and typed lists
    stack_.push_back(std::move(args.items[0]));
  } else {
    throw unsupported("pickles a Python object made by " + f +
                      " (a whole model saved with torch.save(model)? save model.state_dict())");
  }
}

// Pushes the value of the literal opcode @p op (None, booleans, numbers, strings, empty
// containers); false if @p op is not one.
bool Unpickler::literal(unsigned char op) {
  switch (op) {
    case 'N':
      push(c10::IValue());
      break;  // NONE
    case 0x88:
      push(true);
      break;  // NEWTRUE
    case 0x89:
      push(false);
      break;  // NEWFALSE
    case 'K':
      push(static_cast<std::int64_t>(number(1)));
      break;  // BININT1
    case 'M':
      push(static_cast<std::int64_t>(number(2)));
      break;  // BININT2
    case 'J':
      push(static_cast<std::int32_t>(number(4)));
      break;  // BININT
    case 'X':
      push(std::string(take(number(4))));
      break;  // BINUNICODE
    case 0x8c:
      push(std::string(take(number(1))));
      break;  // SHORT_BINUNICODE
    case ']':
      push(c10::impl::GenericList(c10::AnyType::get()));
      break;  // EMPTY_LIST
    case '}':
      push(c10::impl::GenericDict(c10::AnyType::get(), c10::AnyType::get()));
      break;
    case ')':
      push_tuple({});
      break;      // EMPTY_TUPLE
    case 0x8a: {  // LONG1
      const auto n = static_cast<int>(number(1));
      if (n > 8) throw unsupported("an integer of over 64 bits");
      std::uint64_t v = n ? number(n) : 0;
      if (n > 0 && n < 8 && (v >> (8 * n - 1)) != 0) v |= ~0ULL << (8 * n);  // the sign
      push(static_cast<std::int64_t>(v));
      break;
    }
    case 'G': {  // BINFLOAT
      std::uint64_t bits = 0;
      for (const char c : take(8)) bits = bits << 8 | static_cast<unsigned char>(c);
      double d;
      std::memcpy(&d, &bits, sizeof d);
      push(d);
      break;
    }
    default:
      return false;
  }
  return true;
}

// Pops @p n items (all down to the mark if n is 0) and adds them to the list or dict below.
void Unpickler::add_popped(std::size_t n, bool pairs) {
  std::vector<Item> items;
  if (n == 0) {
    items = pop_to_mark();
  } else {
    items.resize(n);
    for (std::size_t i = n; i-- > 0;) items[i] = pop();
  }
  add_to(top(), std::move(items), pairs);
}

// Runs the memo opcode @p op (stores and fetches); false if @p op is not one.
bool Unpickler::memo(unsigned char op) {
  switch (op) {
    case 'q':
      memo_[number(1)] = top();
      break;  // BINPUT
    case 'r':
      memo_[number(4)] = top();
      break;  // LONG_BINPUT
    case 0x94:
      memo_[memo_.size()] = top();
      break;  // MEMOIZE
    case 'h':
    case 'j': {  // BINGET, LONG_BINGET
      const auto found = memo_.find(number(op == 'h' ? 1 : 4));
      if (found == memo_.end()) throw damaged("a memo entry that was never stored");
      stack_.push_back(found->second);
      break;
    }
    default:
      return false;
  }
  return true;
}

// Runs opcode @p op; false at STOP.
bool Unpickler::step(unsigned char op) {
  if (literal(op) || memo(op)) return true;
  switch (op) {
    case 0x80:
      take(1);
      break;  // PROTO
    case 0x95:
      take(8);
      break;  // FRAME
    case '.':
      return false;  // STOP
    case '(':
      stack_.push_back({Item::Kind::mark});
      break;  // MARK
    case 't':
      push_tuple(pop_to_mark());
      break;  // TUPLE
    case 0x85:
    case 0x86:
    case 0x87: {  // TUPLE1, TUPLE2, TUPLE3
      std::vector<Item> items(op - 0x84u);
      for (std::size_t i = items.size(); i-- > 0;) items[i] = pop();
      push_tuple(std::move(items));
      break;
    }
    case 'a':
      add_popped(1, false);
      break;  // APPEND
    case 'e':
      add_popped(0, false);
      break;  // APPENDS
    case 's':
      add_popped(2, true);
      break;  // SETITEM
    case 'u':
      add_popped(0, true);
      break;     // SETITEMS
    case 'c': {  // GLOBAL
      const std::string module = line();
      stack_.push_back({Item::Kind::global, {}, module + "." + line()});
      break;
    }
    case 'R':
      reduce();
      break;  // REDUCE
    case 'Q':
      persistent_id();
      break;   // BINPERSID
    case 'b':  // BUILD
      pop();   // the state: an OrderedDict's _metadata, not kept
      if (top().kind != Item::Kind::value || !top().value.isGenericDict())
        throw unsupported("BUILD of a Python object");
      break;
    case 0x81: {  // NEWOBJ
      pop();
      const Item cls = pop();
      throw unsupported("pickles an object of the Python class " +
                        (cls.kind == Item::Kind::global ? cls.name : std::string("?")) +
                        " (a whole model saved with torch.save(model)? save model.state_dict())");
    }
    default:
      throw unsupported("pickle opcode " + std::to_string(static_cast<int>(op)) +
                        " outside what torch.save writes");
  }
  return true;
}

c10::IValue Unpickler::run() {
  while (true) {
    if (at_ >= in_.size()) throw damaged("no STOP");
    if (!step(static_cast<unsigned char>(in_[at_++]))) break;
  }
  if (stack_.size() != 1) throw damaged("stack of " + std::to_string(stack_.size()) + " at STOP");
  return value_of(pop());
}

}  // namespace

c10::IValue read_torch_save(const ZipReader& zip) {
  std::string folder;
  for (const std::string& name : zip.names()) {
    const auto slash = name.find('/');
    if (slash != std::string::npos && name.substr(slash + 1) == "constants.pkl")
      throw Error("'" + zip.path().string() +
                  "': a TorchScript module (torch.jit.save), not a torch.save file; galaxyzoo "
                  "reads state dicts (docs/python.md)");
    if (slash != std::string::npos && name.substr(slash + 1) == "data.pkl" && folder.empty())
      folder = name.substr(0, slash + 1);
  }
  if (folder.empty())
    throw CorruptFileError(zip.path(), "a zip archive without data.pkl: not a torch.save file");
  if (zip.contains(folder + "byteorder") && zip.record(folder + "byteorder") != "little")
    throw Error("'" + zip.path().string() + "': big-endian storages are not supported");
  try {
    return Unpickler(zip, folder).run();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {  // LibTorch's own checks (a key it cannot hash, ...)
    const std::string what = e.what();
    throw Error("'" + zip.path().string() +
                "': unreadable pickle: " + what.substr(0, what.find('\n')));
  }
}

void add_state_dict(ZipWriter& zip, const std::string& folder,
                    const std::vector<std::pair<std::string, torch::Tensor>>& tensors) {
  std::string p = "\x80\x02";  // PROTO 2, as torch.save writes
  std::map<std::string, std::uint32_t> memo;
  auto number = [&](std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) p.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  auto integer = [&](std::int64_t v) {  // BININT, or LONG1 of 8 bytes
    const bool small = v >= INT32_MIN && v <= INT32_MAX;
    p += small ? "J" : "\x8a\x08";
    number(static_cast<std::uint64_t>(v), small ? 4 : 8);
  };
  auto text = [&](const std::string& s) {
    p += 'X';
    number(s.size(), 4);
    p += s;
  };
  auto global = [&](const std::string& name) {  // GLOBAL once, then LONG_BINGET
    const auto found = memo.find(name);
    const bool first = found == memo.end();
    p += first ? 'c' + name + "\nr" : std::string("j");
    number(first ? memo[name] = static_cast<std::uint32_t>(memo.size()) : found->second, 4);
  };
  auto ints = [&](c10::IntArrayRef values) {
    p += '(';
    for (const std::int64_t v : values) integer(v);
    p += 't';
  };
  global("collections\nOrderedDict");
  p += ")R(";
  std::vector<torch::Tensor> storages;
  for (const auto& [name, tensor] : tensors) {
    std::string type;  // the storage's class name, after "torch."
    for (const auto& [storage, scalar] : storage_types())
      if (scalar == tensor.scalar_type()) type = storage.substr(6);
    if (type.empty())
      throw Error("add_state_dict: '" + name + "' has an unsupported type " +
                  std::string(c10::toString(tensor.scalar_type())));
    storages.push_back(tensor.detach().to(torch::kCPU).contiguous());
    text(name);
    global("torch._utils\n_rebuild_tensor_v2");
    p += "((";  // the storage's persistent id: ('storage', type, key, 'cpu', numel)
    text("storage");
    global("torch\n" + type);
    text(std::to_string(storages.size() - 1));
    text("cpu");
    integer(tensor.numel());
    p += "tQ";
    integer(0);  // offset, sizes, strides, requires_grad False, no backward hooks
    ints(tensor.sizes());
    ints(storages.back().strides());
    p += "\x89";
    global("collections\nOrderedDict");
    p += ")RtR";
  }
  p += "u.";
  zip.add(folder + "/data.pkl", p);
  for (std::size_t i = 0; i < storages.size(); ++i)
    zip.add(folder + "/data/" + std::to_string(i),
            {static_cast<const char*>(storages[i].data_ptr()), storages[i].nbytes()});
  zip.add(folder + "/version", "3\n");
}

}  // namespace galaxyzoo
