from aida.cli import main

raise SystemExit(main())
