package ai.bctrl.provisioner.internal.manifest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV, one record at a time, keeping the physical line each record starts on: a UTF-8
 * byte-order mark is skipped; CRLF, LF and lone CR end lines; a cell that starts with a quote may
 * hold commas, doubled quotes and line breaks; a quote inside an unquoted cell is literal. A
 * record longer than {@link #MAX_RECORD_CHARS} is refused, so an unclosed quote cannot swallow a
 * whole file into memory.
 *
 * <p>Why the manifest keeps its own tokenizer while the ledger uses Jackson CSV: a manifest is
 * written by hand, so every error must name a line the user can go to; the ledger is our own
 * output with one record per physical line, and needs none of this.
 *
 * <ul>
 *   <li>{@link #recordLine()} is the physical line a record starts on, counted across line breaks
 *       inside quoted cells (CRLF, LF and lone CR): when the record on line 3 holds a cell that
 *       spans three lines, a problem in the next record reads {@code m.csv:6: config.proxy.port:
 *       ...}.
 *   <li>A record is capped at {@link #MAX_RECORD_CHARS} characters: an unclosed quote fails after
 *       that many, naming the line and column where the quote opened. Jackson CSV reads such a
 *       cell on to the end of the file and then names the line where it stopped.
 *   <li>Malformed UTF-8 is reported at the line it is on ({@code m.csv:3: is not UTF-8 text});
 *       Jackson CSV reports it at a character and byte offset, with no line. A NUL character is
 *       reported at its line too, as binary data.
 * </ul>
 */
final class CsvTokenizer {
  static final int MAX_RECORD_CHARS = 1 << 20;

  private final InputStream in;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final ByteBuffer bytes = ByteBuffer.allocate(32 * 1024).flip();
  private boolean inputDone;
  private boolean undecodable;
  private final String file;
  private final char[] buf = new char[32 * 1024];
  private int pos;
  private int len;
  private boolean eof;
  private boolean start = true;
  private boolean afterCr;
  private long line = 1;
  private int column;
  private long recordLine;

  CsvTokenizer(InputStream in, String file) {
    this.in = in;
    this.file = file;
  }

  /** The line the last record returned by {@link #next} starts on. */
  long recordLine() {
    return recordLine;
  }

  /** The cells of the next record, or {@code null} at the end of the input. */
  List<String> next() {
    recordLine = line;
    if (peek() < 0) {
      return null;
    }
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    int chars = 0;
    while (true) {
      int c = read();
      if (++chars > MAX_RECORD_CHARS) {
        throw new ManifestException(file + ":" + recordLine + ": a row longer than " + MAX_RECORD_CHARS
            + " characters; is a quote left unclosed? Close it, and double any quote inside a cell (\"\")");
      }
      if (c < 0) {
        cells.add(cell.toString());
        return cells;
      }
      if (c == '"' && cell.length() == 0) {
        chars += quoted(cell, chars);
        int after = read();
        if (after < 0) {
          cells.add(cell.toString());
          return cells;
        }
        if (after == ',') {
          cells.add(cell.toString());
          cell.setLength(0);
          continue;
        }
        if (after == '\n' || after == '\r') {
          endLine(after);
          cells.add(cell.toString());
          return cells;
        }
        throw new ManifestException(file + ":" + line + ": " + Trees.quote(String.valueOf((char) after))
            + " after the closing quote of a cell in column " + (cells.size() + 1)
            + "; quote the whole cell and double any quote inside it (\"\")");
      }
      if (c == ',') {
        cells.add(cell.toString());
        cell.setLength(0);
      } else if (c == '\n' || c == '\r') {
        endLine(c);
        cells.add(cell.toString());
        return cells;
      } else {
        cell.append((char) c);
      }
    }
  }

  /** Reads a quoted cell's content up to its closing quote; returns the characters consumed. */
  private int quoted(StringBuilder cell, int sofar) {
    long openLine = line;
    int openColumn = column;
    int chars = 0;
    while (true) {
      int c = read();
      if (++chars + sofar > MAX_RECORD_CHARS) {
        throw new ManifestException(file + ":" + openLine + ": the quoted cell opened at column " + openColumn
            + " runs past " + MAX_RECORD_CHARS + " characters; close its quote, and double any quote inside it (\"\")");
      }
      if (c < 0) {
        throw new ManifestException(file + ":" + openLine + ": the quoted cell opened at column " + openColumn
            + " is never closed; close its quote, and double any quote inside it (\"\")");
      }
      if (c == '"') {
        if (peek() == '"') {
          read();
          cell.append('"');
        } else {
          return chars;
        }
      } else {
        cell.append((char) c);
      }
    }
  }

  private void endLine(int c) {
    if (c == '\r' && peek() == '\n') {
      read();
    }
  }

  private int read() {
    int c = peek();
    if (c < 0) {
      return c;
    }
    pos++;
    if (c == '\n') {
      if (!afterCr) {
        line++;
      }
      column = 0;
      afterCr = false;
    } else if (c == '\r') {
      line++;
      column = 0;
      afterCr = true;
    } else {
      column++;
      afterCr = false;
    }
    return c;
  }

  private int peek() {
    if (pos >= len) {
      if (eof) {
        return -1;
      }
      fill();
      if (pos >= len) {
        return -1;
      }
    }
    char c = buf[pos];
    if (c == 0) {
      throw new ManifestException(file + ":" + line + ": holds a NUL character, so it is binary data, not CSV text;"
          + " give a UTF-8 CSV file");
    }
    return c;
  }

  private void fill() {
    if (undecodable) {
      throw new ManifestException(file + ":" + line + ": is not UTF-8 text; save the file as UTF-8");
    }
    CharBuffer out = CharBuffer.wrap(buf);
    while (true) {
      CoderResult r = decoder.decode(bytes, out, inputDone);
      if (r.isError()) {
        undecodable = true;
        if (out.position() == 0) {
          throw new ManifestException(file + ":" + line + ": is not UTF-8 text; save the file as UTF-8");
        }
        break;
      }
      if (r.isOverflow() || out.position() > 0) {
        break;
      }
      if (inputDone) {
        decoder.flush(out);
        if (out.position() == 0) {
          eof = true;
        }
        break;
      }
      bytes.compact();
      int n;
      try {
        n = in.read(bytes.array(), bytes.position(), bytes.remaining());
      } catch (IOException e) {
        throw new ManifestException(file + ": cannot be read (" + e.getMessage() + "); check the file", e);
      }
      if (n < 0) {
        inputDone = true;
      } else {
        bytes.position(bytes.position() + n);
      }
      bytes.flip();
    }
    pos = 0;
    len = out.position();
    if (start && len > 0) {
      start = false;
      if (buf[0] == '\uFEFF') {
        pos = 1;
      }
    }
  }
}
