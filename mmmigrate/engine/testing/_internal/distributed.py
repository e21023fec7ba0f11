"""``MultiProcessTestCase``: each test method runs in ``world_size``
spawned processes (``self.rank`` 0..n-1); the parent process waits for
them and fails with the traceback of any rank that failed.

A test's ``setUp`` calls ``self._spawn_processes()``; the test body then
initialises a process group itself (``self.file_name`` is a fresh file for
a ``file://`` rendezvous)."""
import sys
import tempfile
import time
import traceback
import types
import unittest
from functools import wraps
from typing import NamedTuple

import torch.multiprocessing as mp

TEST_ERROR_EXIT_CODE = 10
TEST_SKIP_EXIT_CODE = 75


class TestSkip(NamedTuple):
    """An exit code of a skipped multi-process test, with its reason."""
    exit_code: int
    message: str


class MultiProcessTestCase(unittest.TestCase):
    MAIN_PROCESS_RANK = -1
    TEST_ERROR_EXIT_CODE = TEST_ERROR_EXIT_CODE

    @property
    def world_size(self) -> int:
        return 2

    @property
    def timeout(self) -> int:
        """Seconds the parent waits for its processes."""
        return 1000

    def prepare_subprocess(self) -> None:
        """Runs in each child before the test (override to set it up)."""

    def __init__(self, method_name: str = 'runTest', methodName: str = 'runTest') -> None:
        # unittest passes `methodName`; some runners pass `method_name`.
        if methodName != 'runTest':
            method_name = methodName
        super().__init__(method_name)
        try:
            test = getattr(self, method_name)
        except AttributeError as e:
            if methodName != 'runTest':
                raise ValueError(f'no such test method in {type(self)}: {methodName}') from e
        else:
            setattr(self, method_name, self._join_or_run(test))

    def _join_or_run(self, test):
        @wraps(test)
        def wrapper(self):
            if self.rank == self.MAIN_PROCESS_RANK:
                self._join_processes()
            else:
                test()
        return types.MethodType(wrapper, self)

    def setUp(self) -> None:
        super().setUp()
        self.processes = []
        self.rank = self.MAIN_PROCESS_RANK
        self.file_name = tempfile.NamedTemporaryFile(delete=False).name
        self.pid_to_pipe = {}

    def tearDown(self) -> None:
        super().tearDown()
        for process in self.processes:
            process.terminate()
        self.processes = []

    def _current_test_name(self) -> str:
        return self.id().split('.')[-1]

    def _start_processes(self, process_type) -> None:
        self.processes = []
        for rank in range(int(self.world_size)):
            parent_conn, child_conn = mp.Pipe()
            process = process_type(target=type(self)._run, name=f'process {rank}',
                                   args=(rank, self._current_test_name(), self.file_name,
                                         child_conn))
            process.start()
            self.pid_to_pipe[process.pid] = parent_conn
            self.processes.append(process)

    def _spawn_processes(self) -> None:
        self._start_processes(mp.get_context('spawn').Process)

    def _fork_processes(self) -> None:
        self._start_processes(mp.get_context('fork').Process)

    @classmethod
    def _run(cls, rank: int, test_name: str, file_name: str, pipe) -> None:
        self = cls(test_name)
        self.rank = rank
        self.file_name = file_name
        try:
            self.prepare_subprocess()
            getattr(self, test_name)()
        except unittest.SkipTest as skip:
            pipe.send(f'skipped: {skip}')
            sys.exit(TEST_SKIP_EXIT_CODE)
        except BaseException:
            pipe.send(traceback.format_exc())
            sys.exit(TEST_ERROR_EXIT_CODE)
        finally:
            pipe.close()

    def _join_processes(self) -> None:
        deadline = time.time() + self.timeout
        while any(p.exitcode is None for p in self.processes):
            if any(p.exitcode == TEST_ERROR_EXIT_CODE for p in self.processes):
                break  # one rank failed: the others may wait for it forever
            if time.time() > deadline:
                break
            time.sleep(0.05)
        for process in self.processes:
            if process.exitcode is None:
                process.terminate()
                process.join()
        errors = [f'Process {rank} exited with error code {p.exitcode} and exception:\n'
                  f'{self.pid_to_pipe[p.pid].recv()}'
                  for rank, p in enumerate(self.processes) if p.exitcode == TEST_ERROR_EXIT_CODE]
        if errors:
            raise RuntimeError('\n'.join(errors))
        unfinished = [rank for rank, p in enumerate(self.processes) if p.exitcode is None
                      or p.exitcode < 0]
        if unfinished:
            raise RuntimeError(f'processes {unfinished} timed out after {self.timeout} s or '
                               'were killed')
        if all(p.exitcode == TEST_SKIP_EXIT_CODE for p in self.processes):
            raise unittest.SkipTest(self.pid_to_pipe[self.processes[0].pid].recv())
        codes = {p.exitcode for p in self.processes}
        if codes - {0, TEST_SKIP_EXIT_CODE}:
            raise RuntimeError(f'processes exited with codes {sorted(codes)}')

    @property
    def is_master(self) -> bool:
        return self.rank == 0
