// SPDX-License-Identifier: MIT
// Rule files: a small tokenizer, a statement parser, and libpcap for filters.
#include "monitor/rule_file.h"

#include <pcap/pcap.h>

#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

namespace monitor {

namespace {
// The number of `and`/`or` (and `&&`/`||`) words in an expression: how many
// terms libpcap must combine. Its code generator and optimizer grow much
// faster than linearly in that (400 terms take seconds, 1 600 minutes).
std::size_t count_connectives(const std::string& expression) {
    std::size_t count = 0, at = 0;
    while (at < expression.size()) {
        if (expression.compare(at, 2, "&&") == 0 || expression.compare(at, 2, "||") == 0) {
            ++count;
            at += 2;
            continue;
        }
        if (std::isalpha(static_cast<unsigned char>(expression[at]))) {
            std::size_t end = at;
            while (end < expression.size() &&
                   std::isalnum(static_cast<unsigned char>(expression[end])))
                ++end;
            const std::string word = expression.substr(at, end - at);
            if (word == "and" || word == "or") ++count;
            at = end;
            continue;
        }
        ++at;
    }
    return count;
}
}  // namespace

capture::bpf::Program compile_expression(const std::string& expression) {
    // A bound before libpcap runs: compilation time grows steeply with the
    // number of terms, and a rule that took minutes to compile would stop
    // the monitor from starting. Several rules say the same and compile fast.
    if (const std::size_t terms = count_connectives(expression) + 1; terms > kMaxFilterTerms) {
        throw std::invalid_argument("the filter combines " + std::to_string(terms) +
                                    " terms; at most " + std::to_string(kMaxFilterTerms) +
                                    " are compiled (libpcap takes seconds to minutes beyond "
                                    "that): split it into several rules with the same slice");
    }
    if (expression.size() > kMaxFilterBytes) {
        throw std::invalid_argument("the filter is " + std::to_string(expression.size()) +
                                    " bytes long; at most " + std::to_string(kMaxFilterBytes) +
                                    " are compiled");
    }
    // The snapshot length only bounds libpcap's `ret` values; use its maximum.
    pcap_t* dead = pcap_open_dead(DLT_EN10MB, 262144);
    bpf_program code{};
    if (pcap_compile(dead, &code, expression.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
        const std::string why = pcap_geterr(dead);
        pcap_close(dead);
        throw std::invalid_argument(why);
    }
    capture::bpf::Program program;
    for (u_int i = 0; i < code.bf_len; ++i) {
        program.push_back(
            {code.bf_insns[i].code, code.bf_insns[i].jt, code.bf_insns[i].jf, code.bf_insns[i].k});
    }
    pcap_freecode(&code);
    pcap_close(dead);
    // What the kernel will refuse is refused here, with the kernel's reason
    // (a program over 4 096 instructions, protochain's backward jump, ...).
    if (auto refused = capture::bpf::validate(program)) {
        throw std::invalid_argument("libpcap compiled it to " + std::to_string(program.size()) +
                                    " instructions, which the kernel's rules refuse: instruction " +
                                    std::to_string(refused->index) + ": " + refused->reason);
    }
    return program;
}

namespace {

struct Token {
    std::string text;
    int column;  // 1-based
    bool quoted = false;
};

// Split one line into words and "quoted strings", dropping a # comment.
std::vector<Token> tokenize(const std::string& line, const std::string& file, int line_number) {
    std::vector<Token> tokens;
    std::size_t i = 0;
    while (i < line.size()) {
        if (line[i] == ' ' || line[i] == '\t' || line[i] == '\r') {
            ++i;
        } else if (line[i] == '#') {
            break;
        } else if (line[i] == '"') {
            const std::size_t end = line.find('"', i + 1);
            if (end == std::string::npos) {
                throw RuleFileError(file, line_number, static_cast<int>(i + 1),
                                    "unterminated string");
            }
            tokens.push_back({line.substr(i + 1, end - i - 1), static_cast<int>(i + 1), true});
            i = end + 1;
        } else {
            std::size_t end = i;
            while (end < line.size() && line[end] != ' ' && line[end] != '\t' && line[end] != '"' &&
                   line[end] != '#' && line[end] != '\r') {
                ++end;
            }
            tokens.push_back({line.substr(i, end - i), static_cast<int>(i + 1)});
            i = end;
        }
    }
    return tokens;
}

// Reads a statement's tokens in order, reporting mistakes where they are.
class Statement {
public:
    Statement(std::vector<Token> tokens, const std::string& file, int line, int line_end)
        : tokens_(std::move(tokens)), file_(file), line_(line), line_end_(line_end) {}

    [[noreturn]] void fail(int column, const std::string& message) const {
        throw RuleFileError(file_, line_, column, message);
    }
    bool done() const { return next_ == tokens_.size(); }
    int column() const { return done() ? line_end_ : tokens_[next_].column; }
    const Token& take(const std::string& what) {
        if (done()) fail(line_end_, "expected " + what);
        return tokens_[next_++];
    }
    void keyword(const std::string& word) {
        const Token& t = take("'" + word + "'");
        if (t.quoted || t.text != word)
            fail(t.column, "expected '" + word + "', found '" + t.text + "'");
    }
    std::uint32_t number(const std::string& what, std::uint32_t max) {
        const Token& t = take(what);
        std::uint32_t v = 0;
        auto [end, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
        if (t.quoted || ec != std::errc() || end != t.text.data() + t.text.size() || v > max) {
            fail(t.column, what + " must be a number from 0 to " + std::to_string(max) +
                               ", found '" + t.text + "'");
        }
        return v;
    }
    void end() const {
        if (!done()) fail(tokens_[next_].column, "unexpected '" + tokens_[next_].text + "'");
    }

private:
    std::vector<Token> tokens_;
    std::size_t next_ = 0;
    const std::string& file_;
    int line_;
    int line_end_;
};

// `slice OFFSET SIZE` or `slice SIZE`.
void parse_slice(Statement& s, capture::CopyRule& rule) {
    s.keyword("slice");
    const int column = s.column();
    const std::uint32_t first = s.number("slice size or offset", 65535);
    if (s.done()) {
        rule.offset = 0;
        rule.size = first;
    } else {
        rule.offset = first;
        rule.size = s.number("slice size", 65535);
    }
    if (rule.size == 0) s.fail(column, "an empty slice logs nothing; give a size above 0");
}

}  // namespace

// [monitor:parse-rules]
RuleSet parse_rule_file(const std::string& text, const std::string& file) {
    RuleSet set;
    std::istringstream in(text);
    std::string line;
    int number = 0;
    bool version_seen = false, default_seen = false;
    while (std::getline(in, line)) {
        ++number;
        auto tokens = tokenize(line, file, number);
        if (tokens.empty()) continue;
        Statement s(std::move(tokens), file, number, static_cast<int>(line.size() + 1));
        const Token first = s.take("a statement");
        if (!version_seen) {
            if (first.text != "twinos-rules")
                s.fail(first.column, "the first line must be 'twinos-rules 1'");
            const Token& v = s.take("a version number");
            if (v.text != "1")
                s.fail(v.column,
                       "unsupported rule file version '" + v.text + "' (this is version 1)");
            s.end();
            version_seen = true;
            continue;
        }
        if (default_seen) s.fail(first.column, "nothing may follow the 'default' rule");
        capture::CopyRule rule;
        std::string name;
        if (first.text == "rule" && !first.quoted) {
            const Token& n = s.take("a rule name");
            name = n.text;
            for (const std::string& other : set.names) {
                if (other == name) s.fail(n.column, "rule '" + name + "' is defined twice");
            }
            s.keyword("filter");
            const Token& expr = s.take("a quoted filter expression");
            if (!expr.quoted) s.fail(expr.column, "the filter expression must be in double quotes");
            try {
                if (!expr.text.empty()) rule.filter = compile_expression(expr.text);
            } catch (const std::invalid_argument& e) {
                s.fail(expr.column, "filter \"" + expr.text + "\": " + e.what());
            }
        } else if (first.text == "default" && !first.quoted) {
            name = "default";
            default_seen = true;
        } else {
            s.fail(first.column,
                   "unknown statement '" + first.text + "' (expected 'rule' or 'default')");
        }
        parse_slice(s, rule);
        s.end();
        if (set.table.size() == 255) s.fail(first.column, "more than 255 rules");
        rule.id = static_cast<std::uint8_t>(set.table.size() + 1);
        set.table.push_back(std::move(rule));
        set.names.push_back(name);
    }
    if (!version_seen)
        throw RuleFileError(file, number + 1, 1, "empty rule file: expected 'twinos-rules 1'");
    if (set.table.empty())
        throw RuleFileError(file, number + 1, 1, "no rules: nothing would be logged");
    return set;
}
// [/monitor:parse-rules]

RuleSet read_rule_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw RuleFileError(path, 0, 0, "cannot read the rule file");
    std::ostringstream text;
    text << in.rdbuf();
    return parse_rule_file(text.str(), path);
}

RuleSet command_line_rules(const std::string& filter, std::uint32_t offset, std::uint32_t size) {
    capture::CopyRule rule;
    rule.offset = offset;
    rule.size = size;
    if (!filter.empty()) {
        try {
            rule.filter = compile_expression(filter);
        } catch (const std::invalid_argument& e) {
            throw RuleFileError("<command line>", 1, 1, "filter \"" + filter + "\": " + e.what());
        }
    }
    return RuleSet{{rule}, {"command line"}};
}

}  // namespace monitor
