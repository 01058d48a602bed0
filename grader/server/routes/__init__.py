"""The class server's routes, one router per audience, all taking the shared
:class:`~grader.server.context.Context` as a dependency:

- :mod:`.pages`: the pages (home, a student's, the instructor's), the instructor's login and logout;
- :mod:`.student_api`: a student's API (their status, a check, their attempts);
- :mod:`.class_api`: the instructor's API (the class view, a check of everyone, the reports).
"""
