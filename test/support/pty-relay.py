"""Runs a command on a pseudo-terminal and relays it: this process's stdin is typed into the terminal
(so \\x03 is a Ctrl-C the terminal turns into SIGINT, \\x1b[A an up arrow), and everything the command
writes to the terminal comes out on stdout. Exits with the command's exit code (128+N after signal N).

Usage: python3 pty-relay.py COLUMNS ROWS COMMAND [ARG...]"""
import fcntl
import os
import pty
import select
import struct
import sys
import termios

columns, rows, command = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
pid, master = pty.fork()
if pid == 0:
    # the child's stdin is the terminal: give it its size before the command starts
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', rows, columns, 0, 0))
    os.execvp(command[0], command)

inputs = [master, sys.stdin.fileno()]
while True:
    ready, _, _ = select.select(inputs, [], [])
    if master in ready:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the command closed the terminal
            data = b''
        if not data:
            break
        os.write(sys.stdout.fileno(), data)
    if sys.stdin.fileno() in ready:
        data = os.read(sys.stdin.fileno(), 65536)
        if data:
            os.write(master, data)
        else:
            inputs.remove(sys.stdin.fileno())

_, status = os.waitpid(pid, 0)
sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
