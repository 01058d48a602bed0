"""The class server (``validate_tasks.py serve``): students check their progress in a browser, the
instructor watches the class live, every attempt is kept. Needs the ``server`` extra; nothing here is
imported unless ``serve`` runs. Start at :mod:`grader.server.main`."""
