// The process that lives inside a sample's sandbox for the sample's whole life. It serves the harness
// over the socket inherited as the file descriptor named by its first argument: one JSON object per line each way, matched by id.
//
//   {"id": 1, "op": "exec", "cmd": ["bash", "-c", "ls"], "cwd": "/workspace", "env": {}, "input": "<b64>", "timeout": 30}
//   {"id": 2, "op": "read", "path": "/workspace/x"}          -> {"id": 2, "data": "<b64>"} or {"id": 2, "errno": "ENOENT", ...}
//   {"id": 3, "op": "write", "path": "/workspace/x", "data": "<b64>", "mode": 420}
//   {"id": 4, "op": "symlink", "path": "/workspace/l", "target": "x"}
//   {"id": 5, "op": "remove", "path": "/workspace/x"}
//
// Commands run in their own process group. A command is finished when its process exits; output still
// buffered is collected for a short grace period, so `server &` returns at once and the server keeps
// running (as in a container) until the sandbox is torn down. On timeout the whole group is killed.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

const MAX_OUTPUT = Number(process.env.ALLOY_MAX_OUTPUT ?? 10 * 1024 * 1024);
const EXIT_GRACE_MS = 150;
const WORKDIR = process.cwd();

const socket = new net.Socket({ fd: Number(process.argv[2] ?? 3), readable: true, writable: true });
// The agent's processes must not inherit the harness channel.
const baseEnv = { ...process.env };
delete baseEnv.ALLOY_MAX_OUTPUT;

function reply(message) {
  socket.write(`${JSON.stringify(message)}\n`);
}

class Tail {
  constructor() {
    this.chunks = [];
    this.size = 0;
    this.truncated = false;
  }
  push(chunk) {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > MAX_OUTPUT && this.chunks.length > 0) {
      const over = this.size - MAX_OUTPUT;
      const first = this.chunks[0];
      this.truncated = true;
      if (first.length <= over) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        this.chunks[0] = first.subarray(over);
        this.size -= over;
      }
    }
  }
  base64() {
    return Buffer.concat(this.chunks).toString("base64");
  }
}

function resolvePath(p) {
  return path.resolve(WORKDIR, p);
}

function killGroup(child) {
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

function runExec(request) {
  const stdout = new Tail();
  const stderr = new Tail();
  let child;
  try {
    child = spawn(request.cmd[0], request.cmd.slice(1), {
      cwd: request.cwd ? resolvePath(request.cwd) : WORKDIR,
      env: { ...baseEnv, ...(request.env ?? {}) },
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
  } catch (error) {
    reply({ id: request.id, code: 127, stdout: "", stderr: Buffer.from(String(error.message)).toString("base64") });
    return;
  }
  let finished = false;
  let timedOut = false;
  let timer;
  const finish = (code) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    child.stdout.destroy();
    child.stderr.destroy();
    reply({
      id: request.id,
      code,
      stdout: stdout.base64(),
      stderr: stderr.base64(),
      truncated: stdout.truncated || stderr.truncated,
      timed_out: timedOut,
    });
  };
  let openStreams = 2;
  let exitStatus = null;
  const streamEnded = () => {
    openStreams -= 1;
    if (openStreams === 0 && exitStatus !== null) finish(exitStatus);
  };
  child.stdout.on("data", (chunk) => stdout.push(chunk));
  child.stderr.on("data", (chunk) => stderr.push(chunk));
  child.stdout.once("end", streamEnded);
  child.stderr.once("end", streamEnded);
  child.on("error", (error) => {
    const code = error.code === "ENOENT" ? 127 : error.code === "EACCES" ? 126 : 1;
    stderr.push(Buffer.from(`${request.cmd[0]}: ${error.message}\n`));
    finish(code);
  });
  child.on("exit", (code, signal) => {
    exitStatus = code ?? 128 + (signal ? (os_signals[signal] ?? 9) : 9);
    if (openStreams === 0) finish(exitStatus);
    // A background process may hold the pipes open: don't wait for it.
    else setTimeout(() => finish(exitStatus), EXIT_GRACE_MS);
  });
  if (request.timeout) {
    timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
      finish(124);
    }, request.timeout * 1000);
  }
  child.stdin.on("error", () => {});
  if (request.input) {
    child.stdin.end(Buffer.from(request.input, "base64"));
  } else {
    child.stdin.end();
  }
}

const os_signals = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15, SIGPIPE: 13, SIGABRT: 6, SIGSEGV: 11 };

function fsError(request, error) {
  reply({ id: request.id, errno: error.code ?? "EIO", message: String(error.message) });
}

function runFs(request) {
  const target = resolvePath(request.path);
  try {
    if (request.op === "read") {
      const stat = fs.statSync(target);
      if (stat.isDirectory()) throw Object.assign(new Error(`${target} is a directory`), { code: "EISDIR" });
      if (request.max_size && stat.size > request.max_size) {
        throw Object.assign(new Error(`${target} is ${stat.size} bytes`), { code: "EFBIG" });
      }
      reply({ id: request.id, data: fs.readFileSync(target).toString("base64") });
    } else if (request.op === "write") {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, Buffer.from(request.data, "base64"), request.mode ? { mode: request.mode } : {});
      if (request.mode) fs.chmodSync(target, request.mode);
      reply({ id: request.id });
    } else if (request.op === "symlink") {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.rmSync(target, { force: true });
      fs.symlinkSync(request.target, target);
      reply({ id: request.id });
    } else if (request.op === "remove") {
      fs.rmSync(target, { force: true, recursive: true });
      reply({ id: request.id });
    } else {
      reply({ id: request.id, errno: "EINVAL", message: `unknown op ${request.op}` });
    }
  } catch (error) {
    fsError(request, error);
  }
}

let buffered = "";
socket.on("data", (chunk) => {
  buffered += chunk.toString("utf8");
  let newline;
  while ((newline = buffered.indexOf("\n")) >= 0) {
    const line = buffered.slice(0, newline);
    buffered = buffered.slice(newline + 1);
    if (!line.trim()) continue;
    let request;
    try {
      request = JSON.parse(line);
    } catch {
      continue;
    }
    if (request.op === "exec") runExec(request);
    else runFs(request);
  }
});
// The harness went away: end the sandbox (bwrap's --die-with-parent covers a crashed harness).
socket.on("end", () => process.exit(0));
socket.on("error", () => process.exit(0));
reply({ id: 0, ready: true, pid: process.pid });
